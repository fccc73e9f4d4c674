-- POST /verify/ with a signed PDF, as a citizen checking a file (multipart, field `file`): the
-- platform's own signed documents in turn, each request from its own client address (a file of
-- "<pdf path>\t<client address>" lines; X-Forwarded-For, for the per-IP limit of 30 a minute).
-- The CSRF cookie and form token were fetched once before the run; Django accepts the same pair
-- on every request.
-- The view answers 200 whatever its verdict, so each answer's body is read: one without the
-- "Sah." box (altered, untrusted, a validation that timed out) counts as a failure, and their
-- number is written to <failures file> when the run is done (status errors are wrk's own).
-- Arguments: <uploads file> <wrk threads> <csrftoken cookie> <csrfmiddlewaretoken> <failures file>
dofile((debug.getinfo(1, "S").source:match("^@(.*/)") or "") .. "lines.lua")

local BOUNDARY = "----mpp-bench-7d3f9a1c"
local threads = {}
local set_up_thread = setup
function setup(thread)
  set_up_thread(thread)
  threads[#threads + 1] = thread
end

local next_line, headers, prefix
local bodies = {}
not_verified = 0

function init(args)
  next_line = cycle(thread_lines(args[1], tonumber(args[2])))
  headers = {
    ["Content-Type"] = "multipart/form-data; boundary=" .. BOUNDARY,
    ["Cookie"] = "csrftoken=" .. args[3],
  }
  prefix = "--" .. BOUNDARY .. "\r\nContent-Disposition: form-data; name=\"csrfmiddlewaretoken\"\r\n\r\n"
    .. args[4] .. "\r\n--" .. BOUNDARY .. "\r\nContent-Disposition: form-data; name=\"file\"; "
    .. "filename=\"dokumen.pdf\"\r\nContent-Type: application/pdf\r\n\r\n"
  failures_path = args[5]
end

local function body_of(path)
  if not bodies[path] then
    local file = assert(io.open(path, "rb"))
    bodies[path] = prefix .. file:read("*a") .. "\r\n--" .. BOUNDARY .. "--\r\n"
    file:close()
  end
  return bodies[path]
end

function request()
  local path, address = next_line():match("^(%S+)\t(%S+)$")
  headers["X-Forwarded-For"] = address
  return wrk.format("POST", nil, headers, body_of(path))
end

function response(status, headers, body)
  if status == 200 and not body:find('class="success-box"', 1, true) then
    not_verified = not_verified + 1
  end
end

local report = done
function done(summary, latency, requests)
  local failures = 0
  for _, thread in ipairs(threads) do
    failures = failures + (thread:get("not_verified") or 0)
  end
  local file = assert(io.open(threads[1]:get("failures_path"), "w"))
  file:write(tostring(failures))
  file:close()
  report(summary, latency, requests)
end
