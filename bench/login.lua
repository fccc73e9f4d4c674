-- POST /akun/masuk/ with a correct password, another account per request (a file of
-- "<NIK>\t<client address>" lines). The CSRF cookie and form token were fetched once before
-- the run; Django accepts the same pair on every request. The client address goes in
-- X-Forwarded-For, which the server of this scenario reads for the per-IP rate limit.
-- Arguments: <accounts file> <wrk threads> <csrftoken cookie> <csrfmiddlewaretoken> <password>
dofile((debug.getinfo(1, "S").source:match("^@(.*/)") or "") .. "lines.lua")

local next_account, cookie, form
function init(args)
  next_account = cycle(thread_lines(args[1], tonumber(args[2])))
  cookie = "csrftoken=" .. args[3]
  form = "csrfmiddlewaretoken=" .. args[4] .. "&password=" .. args[5] .. "&username="
end

function request()
  local nik, address = next_account():match("^(%d+)\t(.+)$")
  return wrk.format("POST", nil, {
    ["Content-Type"] = "application/x-www-form-urlencoded",
    ["Cookie"] = cookie,
    ["X-Forwarded-For"] = address,
  }, form .. nik)
end
