-- POST an answer at the MPP's survey kiosk (/survei/kios/) with a counter visit's code: another code per
-- request (a file of codes, each wrk thread its own share: a code answers once, a second answer is refused
-- and counted as an error), from its own client address (X-Forwarded-For, for the per-address limit), the
-- nine answers varied from one request to the next.
-- The CSRF cookie and form token were fetched once before the run; Django accepts the same pair on every request.
-- Arguments: <codes file> <wrk threads> <csrftoken cookie> <csrfmiddlewaretoken>
dofile((debug.getinfo(1, "S").source:match("^@(.*/)") or "") .. "lines.lua")

local next_code, cookie, token
local sent = 0
function init(args)
  next_code = cycle(thread_lines(args[1], tonumber(args[2])))
  cookie = "csrftoken=" .. args[3]
  token = args[4]
end

function request()
  sent = sent + 1
  local body = "csrfmiddlewaretoken=" .. token .. "&code=" .. next_code()
  for n = 1, 9 do
    body = body .. "&u" .. n .. "=" .. (1 + (sent * n + thread_index) % 4)
  end
  local address = "10." .. (thread_index + 1) .. "." .. (math.floor(sent / 250) % 250) .. "." .. (sent % 250 + 1)
  return wrk.format("POST", "/survei/kios/", {
    ["Content-Type"] = "application/x-www-form-urlencoded",
    ["Cookie"] = cookie,
    ["X-Forwarded-For"] = address,
  }, body)
end
