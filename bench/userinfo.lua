-- GET /o/userinfo/ with a different access token per request (a file of tokens, one per line).
-- Arguments: <tokens file> <wrk threads>
dofile((debug.getinfo(1, "S").source:match("^@(.*/)") or "") .. "lines.lua")

local next_token
function init(args)
  next_token = cycle(thread_lines(args[1], tonumber(args[2])))
end

function request()
  return wrk.format("GET", nil, { ["Authorization"] = "Bearer " .. next_token() })
end
