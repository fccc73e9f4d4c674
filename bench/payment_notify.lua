-- POST the payment network's notifications (/snap/v1.0/transfer-va/payment), each one twice back to back: a wrk
-- thread sends its line n on the next two connections that are free (its requests go out in order: line 1, line 1,
-- line 2, line 2, ...), so the twin goes out while the first is still being answered, as a network does that sends
-- again before it heard back.
-- Each line was signed just before the run in Python (bench/payments_bench.py): "<paymentRequestId>\t<X-EXTERNAL-ID
-- of the first>\t<X-EXTERNAL-ID of the twin>\t<X-TIMESTAMP>\t<X-SIGNATURE>\t<minified body>". Half the twins share
-- the first's X-EXTERNAL-ID (a retry), half have one of their own (a duplicate): both must be taken once.
-- Each thread notes, per line, how many copies it sent, how many were answered 200 with the payment, and whether
-- the twin went out before the first was answered; done() writes them to <out file>, one line each:
-- "<paymentRequestId>\t<copies sent>\t<answered 200>\t<twin sent while the first was in flight: 1 or 0>".
-- A thread that runs out of lines starts again from its first (a copy count above 2 says so: the run fails).
-- Arguments: <lines file> <wrk threads> <access token> <partner id> <out file>
dofile((debug.getinfo(1, "S").source:match("^@(.*/)") or "") .. "lines.lua")
dofile((debug.getinfo(1, "S").source:match("^@(.*/)") or "") .. "statuses.lua")

local lines, headers
local calls = 0
-- Per line of this thread (by its index): the paymentRequestId, copies sent, answers of each copy, 200s.
references, copies, answered, paid, overlapped = {}, {}, {}, {}, {}
local index_of = {}

local counted_setup = setup
local threads = {}
function setup(thread)
  counted_setup(thread)
  threads[#threads + 1] = thread
end

function init(args)
  lines = thread_lines(args[1], tonumber(args[2]))
  headers = {
    ["Content-Type"] = "application/json",
    ["Authorization"] = "Bearer " .. args[3],
    ["X-PARTNER-ID"] = args[4],
    ["CHANNEL-ID"] = "95221",
    ["X-TIMESTAMP"] = "",
    ["X-SIGNATURE"] = "",
    ["X-EXTERNAL-ID"] = "",
  }
  out_path = args[5] -- a global: done() runs in the main state, which reads it from a thread
end

function request()
  local n = math.floor(calls / 2) % #lines + 1
  local twin = calls % 2 == 1
  calls = calls + 1
  local reference, first_id, twin_id, stamp, signature, body =
    lines[n]:match("^([^\t]+)\t([^\t]+)\t([^\t]+)\t([^\t]+)\t([^\t]+)\t(.+)$")
  if not twin then
    references[n] = reference
    index_of[reference] = n
  elseif (answered[n] or 0) == 0 then
    overlapped[n] = 1
  end
  copies[n] = (copies[n] or 0) + 1
  headers["X-TIMESTAMP"] = stamp
  headers["X-SIGNATURE"] = signature
  headers["X-EXTERNAL-ID"] = twin and twin_id or first_id
  return wrk.format("POST", "/snap/v1.0/transfer-va/payment", headers, body)
end

local counted_response = response
function response(status, response_headers, body)
  counted_response(status, response_headers, body)
  local reference = body and body:match('"paymentRequestId":%s*"([^"]+)"')
  local n = reference and index_of[reference]
  if n then
    answered[n] = (answered[n] or 0) + 1
    if status == 200 and body:find('"responseCode":%s*"2002500"') then
      paid[n] = (paid[n] or 0) + 1
    end
  end
end

local counted_done = done
function done(summary, latency, requests)
  local out = assert(io.open(threads[1]:get("out_path"), "w"))
  for _, thread in ipairs(threads) do
    local sent_references = thread:get("references") or {}
    local sent_copies = thread:get("copies") or {}
    local paid_copies = thread:get("paid") or {}
    local in_flight = thread:get("overlapped") or {}
    for n, reference in pairs(sent_references) do
      out:write(string.format("%s\t%d\t%d\t%d\n", reference, sent_copies[n] or 0, paid_copies[n] or 0,
        in_flight[n] or 0))
    end
  end
  out:close()
  counted_done(summary, latency, requests)
end
