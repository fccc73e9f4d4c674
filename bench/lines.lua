-- Shared by the scenario scripts: the JSON reporter, and each wrk thread's own share of a file's
-- lines, so that no two requests of a run send the same single-use value (code, refresh token).
-- A script that uses it starts by loading it from its own directory (the dofile line below),
-- and is run as `wrk ... --script=<script> -- <url> <file> <wrk threads> [script arguments]`.

dofile((debug.getinfo(1, "S").source:match("^@(.*/)") or "") .. "report.lua")

-- setup() runs in the main Lua state once per thread, just before that thread's init().
local threads_set_up = 0
function setup(thread)
  thread:set("thread_index", threads_set_up)
  threads_set_up = threads_set_up + 1
end

-- The lines of `path` this thread sends: line i (0-based) goes to thread i % threads.
function thread_lines(path, threads)
  local lines, i = {}, 0
  for line in io.lines(path) do
    if line ~= "" and i % threads == thread_index then
      lines[#lines + 1] = line
    end
    i = i + 1
  end
  assert(#lines > 0, path .. " has no line for thread " .. thread_index)
  return lines
end

-- The next line, round and round: a single-use value sent twice fails and wrk counts the error,
-- so the run is reported as failed instead of quietly measuring refusals.
function cycle(lines)
  local n = 0
  return function()
    n = n % #lines + 1
    return lines[n]
  end
end
