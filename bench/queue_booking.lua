-- Book a slot at an MPP (POST /antrean/<mpp>/pesan/) as a signed-in citizen, another citizen per request (a file
-- of "<sessionid>\t<service id>\t<YYYY-MM-DD>\t<HH:MM>" lines, the slot's day and start in the MPP's local time;
-- each citizen is on two lines, far apart: Policy.max_future_bookings allows two bookings ahead), as the booking
-- page's form sends it.
-- The CSRF cookie and form token were fetched once before the run; Django accepts the same pair on every request.
-- Arguments: <bookings file> <wrk threads> <mpp id> <csrftoken cookie> <csrfmiddlewaretoken>
dofile((debug.getinfo(1, "S").source:match("^@(.*/)") or "") .. "lines.lua")
dofile((debug.getinfo(1, "S").source:match("^@(.*/)") or "") .. "statuses.lua")

local next_line, path, cookie, token
function init(args)
  next_line = cycle(thread_lines(args[1], tonumber(args[2])))
  path = "/antrean/" .. args[3] .. "/pesan/"
  cookie = "csrftoken=" .. args[4] .. "; sessionid="
  token = args[5]
end

function request()
  local session, service, day, start = next_line():match("^(%S+)\t(%S+)\t(%S+)\t(%S+)$")
  return wrk.format("POST", path, {
    ["Content-Type"] = "application/x-www-form-urlencoded",
    ["Cookie"] = cookie .. session,
  }, "csrfmiddlewaretoken=" .. token .. "&layanan=" .. service .. "&hari=" .. day .. "&mulai=" .. start:gsub(":", "%%3A"))
end
