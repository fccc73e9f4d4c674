-- Shared by the queue's scripts: each answer counted by its status in its wrk thread, and the counts of all
-- threads reported beside report.lua's line, as {"statuses": {"302": n, ...}} (loadtest.py reads both lines).
-- A script loads it after lines.lua (whose setup() it keeps) and calls count_status(status) in its response().

local threads = {}
local numbered_setup = setup
function setup(thread)
  if numbered_setup then
    numbered_setup(thread)
  end
  threads[#threads + 1] = thread
end

status_counts = {}
function count_status(status)
  status_counts[status] = (status_counts[status] or 0) + 1
end

function response(status, headers, body)
  count_status(status)
end

local report_done = done
function done(summary, latency, requests)
  local total = {}
  for _, thread in ipairs(threads) do
    for status, n in pairs(thread:get("status_counts") or {}) do
      total[status] = (total[status] or 0) + n
    end
  end
  local parts = {}
  for status, n in pairs(total) do
    parts[#parts + 1] = string.format('"%d": %d', status, n)
  end
  io.write('{"statuses": {' .. table.concat(parts, ", ") .. "}}\n")
  report_done(summary, latency, requests)
end
