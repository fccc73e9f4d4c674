-- POST /api/v1/verify to the registry simulator, another person per request (a file of JSON
-- bodies, one per line, with the person's real elements).
-- Arguments: <bodies file> <wrk threads> <institution API key>
dofile((debug.getinfo(1, "S").source:match("^@(.*/)") or "") .. "lines.lua")

local next_body, headers
function init(args)
  next_body = cycle(thread_lines(args[1], tonumber(args[2])))
  headers = {
    ["Authorization"] = "Bearer " .. args[3],
    ["Content-Type"] = "application/json",
    ["X-Purpose"] = "Uji beban verifikasi data kependudukan",
  }
end

function request()
  return wrk.format("POST", nil, headers, next_body())
end
