"""The wrk script the benchmark drives each query with (mix.py, peer.py).

LUA_COMMON % {key, errfile, body, run} sets up one query: its body, the key,
and a count of the answers that are not a 200 with error-free JSON, written to
errfile when wrk finishes; LUA_REQUEST[kind] % {projects} then says how each
request varies: "static" sends the body as is, "node" puts a random project's
global id in place of @ID@ (and its number in place of @NUM@), "lead" a fresh
idempotency key in place of @KEY@.
"""

LUA_COMMON = r"""
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
wrk.headers["Authorization"] = "Bearer %(key)s"
local threads = {}
function setup(thread)
  table.insert(threads, thread)
  thread:set("tid", #threads)
end
errors = 0
function response(status, headers, body)
  if status ~= 200 or string.find(body, '"errors"', 1, true) or string.find(body, '"userErrors":[{', 1, true) then
    errors = errors + 1
  end
end
function done(summary, latency, requests)
  local e = 0
  for _, t in ipairs(threads) do e = e + t:get("errors") end
  local f = io.open("%(errfile)s", "w")
  f:write(tostring(e))
  f:close()
end
local alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"
local function b64(s)
  local out, bits, n = {}, 0, 0
  for i = 1, #s do
    bits = bits * 256 + s:byte(i)
    n = n + 8
    while n >= 6 do
      n = n - 6
      local v = math.floor(bits / 2 ^ n) %% 64
      table.insert(out, alphabet:sub(v + 1, v + 1))
      bits = bits %% 2 ^ n
    end
  end
  if n > 0 then
    local v = (bits * 2 ^ (6 - n)) %% 64
    table.insert(out, alphabet:sub(v + 1, v + 1))
  end
  return table.concat(out)
end
local body = [==[%(body)s]==]
local counter = 0
local run = "%(run)s"
"""

LUA_REQUEST = {
    "static": "wrk.body = body\n",
    "node": """function request()
  local n = math.random(1, %(projects)d)
  local id = b64("Project:" .. n)
  return wrk.format(nil, nil, nil, (body:gsub("@ID@", id):gsub("@NUM@", tostring(n))))
end
""",
    "lead": """function request()
  counter = counter + 1
  local key = run .. "-" .. tid .. "-" .. counter
  return wrk.format(nil, nil, nil, (body:gsub("@KEY@", key)))
end
""",
}

