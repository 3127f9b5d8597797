-- GET login.php with a fresh one-time key per request; keys come from BENCH_KEYS (a file, one per
-- line), starting at BENCH_KEY_OFFSET (the keys earlier rounds spent). No response() hook: wrk
-- itself counts the non-2xx/3xx answers, and a Lua call per response would slow wrk down.
local keys = {}
for line in io.lines(os.getenv("BENCH_KEYS")) do keys[#keys + 1] = line end
local index = tonumber(os.getenv("BENCH_KEY_OFFSET") or "0")

request = function()
  index = index + 1
  return wrk.format("GET", "/auth/userkey/login.php?key=" .. keys[((index - 1) % #keys) + 1])
end
