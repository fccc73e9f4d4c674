-- GET another path on every request, from a file of paths (one per line, each thread its own share, round and
-- round), as an anonymous visitor; each answer counted by its status (statuses.lua), so that a redirect or a 404
-- among thousands of pages fails the run instead of being measured. Used by the villages' pages (a page of
-- another village of another region per request).
-- Arguments: <paths file> <wrk threads>
dofile((debug.getinfo(1, "S").source:match("^@(.*/)") or "") .. "lines.lua")
dofile((debug.getinfo(1, "S").source:match("^@(.*/)") or "") .. "statuses.lua")

local next_path
function init(args)
  next_path = cycle(thread_lines(args[1], tonumber(args[2])))
end

function request()
  return wrk.format("GET", next_path())
end
