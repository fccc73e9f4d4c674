-- POST /bench/ceiling/write (bench/ceiling_urls.py, served only by the bench's applications server): the four rows
-- a submission writes and nothing else, for another seeded citizen per request (a file of "<user id>\t<service id>"
-- lines, each citizen with their own region's service, as submit.lua sends them). No body, no cookie.
-- Arguments: <citizens file> <wrk threads> <submit_key prefix>
dofile((debug.getinfo(1, "S").source:match("^@(.*/)") or "") .. "lines.lua")

local next_line, key
function init(args)
  next_line = cycle(thread_lines(args[1], tonumber(args[2])))
  key = args[3]
end

function request()
  local applicant, service = next_line():match("^(%S+)\t(%S+)$")
  return wrk.format("POST", "/bench/ceiling/write?applicant=" .. applicant .. "&service=" .. service .. "&key=" .. key)
end
