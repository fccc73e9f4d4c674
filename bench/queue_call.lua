-- The counter console's busiest button: finish the counter's visitor and call the next one
-- (POST /loket/antrean/<counter id>/selesai-panggil/), again and again, as a signed-in counter officer.
-- Run with as many wrk threads as connections: each thread, so each connection, is one officer at their own
-- counter (a line "<sessionid>\t<counter id>" of the file), who never has two presses in flight, as at a real desk.
-- The CSRF cookie and form token were fetched once before the run; Django accepts the same pair on every request.
-- Arguments: <officers file> <wrk threads> <csrftoken cookie> <csrfmiddlewaretoken>
dofile((debug.getinfo(1, "S").source:match("^@(.*/)") or "") .. "lines.lua")
dofile((debug.getinfo(1, "S").source:match("^@(.*/)") or "") .. "statuses.lua")

local press
function init(args)
  local lines = thread_lines(args[1], tonumber(args[2]))
  assert(#lines == 1, "one officer per wrk thread: run with as many threads as officers")
  local session, counter = lines[1]:match("^(%S+)\t(%S+)$")
  press = wrk.format("POST", "/loket/antrean/" .. counter .. "/selesai-panggil/", {
    ["Content-Type"] = "application/x-www-form-urlencoded",
    ["Cookie"] = "csrftoken=" .. args[3] .. "; sessionid=" .. session,
  }, "csrfmiddlewaretoken=" .. args[4])
end

function request()
  return press
end
