-- Take a walk-in's number at an MPP's kiosk (POST /antrean/<mpp>/kios/) for the agencies of a file in turn (every
-- thread all of them), no service chosen (the counter finds out) and no priority, as the kiosk's form sends it.
-- Each request comes from its own client address, <address block>.<x>.<y>, in X-Forwarded-For, which this
-- scenario's server reads for the kiosk's per-address limit (300 an hour), as behind the load balancer.
-- The CSRF cookie and form token were fetched once before the run; Django accepts the same pair on every request.
-- Arguments: <agencies file> <mpp id> <csrftoken cookie> <csrfmiddlewaretoken> <address block>
dofile((debug.getinfo(1, "S").source:match("^@(.*/)") or "") .. "lines.lua")
dofile((debug.getinfo(1, "S").source:match("^@(.*/)") or "") .. "statuses.lua")

local agencies, path, headers, form, block
local sent = 0
function init(args)
  agencies = {}
  for line in io.lines(args[1]) do
    if line ~= "" then
      agencies[#agencies + 1] = line
    end
  end
  path = "/antrean/" .. args[2] .. "/kios/"
  headers = {
    ["Content-Type"] = "application/x-www-form-urlencoded",
    ["Cookie"] = "csrftoken=" .. args[3],
    ["X-Forwarded-For"] = "",
  }
  form = "csrfmiddlewaretoken=" .. args[4] .. "&service=&priority=&agency="
  block = args[5]
end

function request()
  sent = sent + 1
  -- 128 x-values per thread (of 2), 256 addresses each: 32,768 requests of a thread before an address repeats.
  local x = (thread_index * 128 + math.floor(sent / 256) % 128) % 256
  headers["X-Forwarded-For"] = block .. "." .. x .. "." .. sent % 256
  return wrk.format("POST", path, headers, form .. agencies[(sent + thread_index) % #agencies + 1])
end
