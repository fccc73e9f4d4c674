-- GET the URL as a signed-in user, another session per request (a file of session keys, one per line:
-- the officers for the worklist, the one citizen for the dashboard).
-- Arguments: <sessions file> <wrk threads>
dofile((debug.getinfo(1, "S").source:match("^@(.*/)") or "") .. "lines.lua")

local next_session
function init(args)
  next_session = cycle(thread_lines(args[1], tonumber(args[2])))
end

function request()
  return wrk.format("GET", nil, { ["Cookie"] = "sessionid=" .. next_session() })
end
