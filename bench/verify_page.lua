-- GET /verify/<code> as someone who scanned a document's QR code: another issued document per
-- request, each from its own client address (a file of "<code>\t<client address>" lines). The
-- address goes in X-Forwarded-For, which the documents server reads for the per-IP rate limit
-- (120 a minute), as behind the load balancer.
-- Arguments: <codes file> <wrk threads>
dofile((debug.getinfo(1, "S").source:match("^@(.*/)") or "") .. "lines.lua")

local next_line
function init(args)
  next_line = cycle(thread_lines(args[1], tonumber(args[2])))
end

function request()
  local code, address = next_line():match("^(%S+)\t(%S+)$")
  return wrk.format("GET", "/verify/" .. code, { ["X-Forwarded-For"] = address })
end
