-- The cluster's mixed scenario (bench/cluster_bench.py): every request one of four kinds, by a fixed schedule that
-- each wrk thread goes round (starting at its own place in it):
--   browse     GET another public page (a file of paths: the region's page, its services', its villages'), anonymous;
--   submit     POST the birth-certificate form as another signed-in citizen, a new submit_key each time;
--   dashboard  GET /permohonan/ as another signed-in citizen;
--   userinfo   GET /o/userinfo/ with another access token.
-- Each answer is counted by kind and status; run with one connection per thread, so each thread's answer is the
-- one to the request it sent last. The counts are reported beside report.lua's line, as
-- {"statuses": {"browse 200": n, "submit 302": n, ...}}.
-- Arguments: <schedule: kinds separated by commas> <wrk threads> <paths file> <submit file: "<sessionid>\t<service>">
--            <dashboard sessions file> <tokens file> <csrftoken cookie> <csrfmiddlewaretoken> <form> <key prefix>
dofile((debug.getinfo(1, "S").source:match("^@(.*/)") or "") .. "lines.lua")

local threads = {}
local numbered_setup = setup
function setup(thread)
  numbered_setup(thread)
  threads[#threads + 1] = thread
end

local schedule, next_path, next_submit, next_session, next_token, csrf_cookie, form, key_prefix
local sent, last_kind = 0, nil
kind_counts = {}

function init(args)
  schedule = {}
  for kind in args[1]:gmatch("[^,]+") do
    schedule[#schedule + 1] = kind
  end
  local threads_n = tonumber(args[2])
  next_path = cycle(thread_lines(args[3], threads_n))
  next_submit = cycle(thread_lines(args[4], threads_n))
  next_session = cycle(thread_lines(args[5], threads_n))
  next_token = cycle(thread_lines(args[6], threads_n))
  csrf_cookie = "csrftoken=" .. args[7]
  form = "csrfmiddlewaretoken=" .. args[8] .. "&" .. args[9] .. "&submit_key="
  key_prefix = args[10] .. "-" .. thread_index .. "-"
  sent = thread_index -- each thread starts at another place of the schedule
end

function request()
  sent = sent + 1
  last_kind = schedule[sent % #schedule + 1]
  if last_kind == "browse" then
    return wrk.format("GET", next_path())
  elseif last_kind == "submit" then
    local session, service = next_submit():match("^(%S+)\t(%S+)$")
    return wrk.format("POST", "/layanan/" .. service .. "/ajukan/", {
      ["Content-Type"] = "application/x-www-form-urlencoded",
      ["Cookie"] = csrf_cookie .. "; sessionid=" .. session,
    }, form .. key_prefix .. sent)
  elseif last_kind == "dashboard" then
    return wrk.format("GET", "/permohonan/", { ["Cookie"] = "sessionid=" .. next_session() })
  end
  return wrk.format("GET", "/o/userinfo/", { ["Authorization"] = "Bearer " .. next_token() })
end

function response(status, headers, body)
  local key = (last_kind or "?") .. " " .. status
  kind_counts[key] = (kind_counts[key] or 0) + 1
end

local report_done = done
function done(summary, latency, requests)
  local total = {}
  for _, thread in ipairs(threads) do
    for key, n in pairs(thread:get("kind_counts") or {}) do
      total[key] = (total[key] or 0) + n
    end
  end
  local parts = {}
  for key, n in pairs(total) do
    parts[#parts + 1] = string.format('"%s": %d', key, n)
  end
  io.write('{"statuses": {' .. table.concat(parts, ", ") .. "}}\n")
  report_done(summary, latency, requests)
end
