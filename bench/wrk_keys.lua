-- GET login.php with a fresh one-time key per request; keys come from BENCH_KEYS (a file, one per line).
local keys = {}
for line in io.lines(os.getenv("BENCH_KEYS")) do keys[#keys + 1] = line end
local counter = 0
local stale = 0

function setup(thread)
  thread:set("offset", counter)
  counter = counter + 1
end

function init(args)
  -- each thread has its own Lua state: threads interleave keys by their offset
  step = tonumber(os.getenv("BENCH_THREADS") or "1")
  index = tonumber(os.getenv("BENCH_KEY_OFFSET") or "0") + offset - step
end

request = function()
  index = index + step
  local key = keys[(index % #keys) + 1]
  return wrk.format("GET", "/auth/userkey/login.php?key=" .. key)
end

response = function(status, headers, body)
  if status ~= 303 then stale = stale + 1 end
end

done = function(summary, latency, requests)
  io.stderr:write(string.format("keys available: %d\n", #keys))
end
