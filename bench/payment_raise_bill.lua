-- Raise a bill for another system's dues (POST /tagihan/bayar/ with step=bill) as a signed-in citizen, another
-- citizen and another tax object or water customer per request (a file of "<sessionid>\t<pbb|pdam>\t<number>"
-- lines: no subject comes twice in a run, and a citizen raises one bill, far below the 30 look-ups an hour each
-- account may make), as the page's form sends it once the citizen has seen what is due.
-- The CSRF cookie and form token were fetched once before the run; Django accepts the same pair on every request.
-- Arguments: <lines file> <wrk threads> <csrftoken cookie> <csrfmiddlewaretoken>
dofile((debug.getinfo(1, "S").source:match("^@(.*/)") or "") .. "lines.lua")
dofile((debug.getinfo(1, "S").source:match("^@(.*/)") or "") .. "statuses.lua")

local next_line, cookie, token
function init(args)
  next_line = cycle(thread_lines(args[1], tonumber(args[2])))
  cookie = "csrftoken=" .. args[3] .. "; sessionid="
  token = args[4]
end

function request()
  local session, system, number = next_line():match("^(%S+)\t(%S+)\t(%S+)$")
  return wrk.format("POST", "/tagihan/bayar/", {
    ["Content-Type"] = "application/x-www-form-urlencoded",
    ["Cookie"] = cookie .. session,
  }, "csrfmiddlewaretoken=" .. token .. "&system=" .. system .. "&number=" .. number .. "&step=bill")
end
