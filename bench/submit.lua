-- POST the application form of a service (/layanan/<service>/ajukan/) as a signed-in citizen, another
-- citizen per request (a file of "<sessionid>\t<service id>" lines: each citizen applies in their own
-- region) and a new submit_key on every request, so each one creates an application instead of
-- finding the one an earlier request made (submitting is idempotent per citizen and key).
-- The CSRF cookie and form token were fetched once before the run; Django accepts the same pair on
-- every request. The key is <prefix>-<wrk thread>-<request number of the thread>.
-- Arguments: <sessions file> <wrk threads> <csrftoken cookie> <csrfmiddlewaretoken> <form fields> <key prefix>
dofile((debug.getinfo(1, "S").source:match("^@(.*/)") or "") .. "lines.lua")

local next_line, csrf_cookie, form, key_prefix
local sent = 0
function init(args)
  next_line = cycle(thread_lines(args[1], tonumber(args[2])))
  csrf_cookie = "csrftoken=" .. args[3]
  form = "csrfmiddlewaretoken=" .. args[4] .. "&" .. args[5] .. "&submit_key="
  key_prefix = args[6] .. "-" .. thread_index .. "-"
end

function request()
  local session, service = next_line():match("^(%S+)\t(%S+)$")
  sent = sent + 1
  return wrk.format("POST", "/layanan/" .. service .. "/ajukan/", {
    ["Content-Type"] = "application/x-www-form-urlencoded",
    ["Cookie"] = csrf_cookie .. "; sessionid=" .. session,
  }, form .. key_prefix .. sent)
end
