-- Poll an MPP's display board (GET /antrean/<mpp>/layar.json) as its screens and the visitors' phones do: a
-- connection waits <poll interval> ms after each answer, then asks again with If-None-Match set to the last
-- ETag it saw, so the server answers 304 with no body while the board is unchanged.
-- Run with as many wrk threads as connections: each thread, so each connection, keeps the ETag of its own last
-- answer. Its first poll waits a random part of the interval, so the clients do not poll in step.
-- Arguments: <poll interval ms>
dofile((debug.getinfo(1, "S").source:match("^@(.*/)") or "") .. "lines.lua")
dofile((debug.getinfo(1, "S").source:match("^@(.*/)") or "") .. "statuses.lua")

local interval, etag
local polled = false
function init(args)
  interval = tonumber(args[1])
  math.randomseed(os.time() * 1000 + thread_index)
end

function delay()
  if polled then
    return interval
  end
  polled = true
  return math.random(0, interval)
end

function request()
  if etag then
    return wrk.format("GET", nil, { ["If-None-Match"] = etag })
  end
  return wrk.format("GET", nil)
end

function response(status, headers, body)
  count_status(status)
  for name, value in pairs(headers) do
    if string.lower(name) == "etag" then
      etag = value
    end
  end
end
