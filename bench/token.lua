-- POST /o/token/ as an agency system does, client authenticated with client_secret_basic.
-- Each line of the file is one form body: an authorization code exchange (code + PKCE verifier)
-- or a refresh; codes and refresh tokens are single-use, so every request sends another line.
-- Arguments: <bodies file> <wrk threads> <base64 of client_id:client_secret>
dofile((debug.getinfo(1, "S").source:match("^@(.*/)") or "") .. "lines.lua")

local next_body, headers
function init(args)
  next_body = cycle(thread_lines(args[1], tonumber(args[2])))
  headers = {
    ["Authorization"] = "Basic " .. args[3],
    ["Content-Type"] = "application/x-www-form-urlencoded",
  }
end

function request()
  return wrk.format("POST", nil, headers, next_body())
end
