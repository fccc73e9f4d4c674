-- POST the complaint form of a region (/pengaduan/baru/<region code>/) as a signed-in citizen, another
-- citizen per request (a file of "<sessionid>\t<region code>\t<service id>" lines: each complains about a
-- service of their own region), multipart as a browser sends the form (no file chosen), and a new
-- submit_key on every request, so each one files a complaint instead of finding the one an earlier
-- request filed (filing is idempotent per key).
-- The form's fixed parts (the CSRF token, category, title, description, ...) come ready from <form file>;
-- the service and the key are added per request. The CSRF cookie and form token were fetched once before
-- the run; Django accepts the same pair on every request. The key is <prefix>-<wrk thread>-<request
-- number of the thread>.
-- Each request comes from its own client address, <address block>.<x>.<y> (x from the thread and the
-- request number, y the rest), in X-Forwarded-For, which this scenario's server reads for the per-IP
-- limit of filing (20 an hour), as behind the load balancer.
-- Arguments: <sessions file> <wrk threads> <csrftoken cookie> <form file> <boundary> <key prefix> <address block>
dofile((debug.getinfo(1, "S").source:match("^@(.*/)") or "") .. "lines.lua")

local next_line, headers, fixed, boundary, cookie, key_prefix, block
local sent = 0
function init(args)
  next_line = cycle(thread_lines(args[1], tonumber(args[2])))
  local file = assert(io.open(args[4], "rb"))
  fixed = file:read("*a")
  file:close()
  cookie = "csrftoken=" .. args[3] .. "; sessionid="
  boundary = args[5]
  headers = {
    ["Content-Type"] = "multipart/form-data; boundary=" .. boundary,
    ["Cookie"] = "",
    ["X-Forwarded-For"] = "",
  }
  key_prefix = args[6] .. "-" .. thread_index .. "-"
  block = args[7]
end

local function part(name, value)
  return "--" .. boundary .. "\r\nContent-Disposition: form-data; name=\"" .. name .. "\"\r\n\r\n" .. value .. "\r\n"
end

function request()
  local session, region, service = next_line():match("^(%S+)\t(%S+)\t(%S+)$")
  sent = sent + 1
  -- 128 x-values per thread (of 2), 256 addresses each: 32,768 requests of a thread before an address repeats.
  local x = (thread_index * 128 + math.floor(sent / 256) % 128) % 256
  headers["Cookie"] = cookie .. session
  headers["X-Forwarded-For"] = block .. "." .. x .. "." .. sent % 256
  local body = fixed .. part("service", service) .. part("submit_key", key_prefix .. sent)
    .. "--" .. boundary .. "--\r\n"
  return wrk.format("POST", "/pengaduan/baru/" .. region .. "/", headers, body)
end
