"""``BoundedMap``'s three rules (mockserver/world/bounded.py) on Redis, for the shared tables.

One table under the key ``T``::

    T      hash  id -> "<deadline>|<JSON>"   (deadline on the tenant clock; empty: none)
    T:o    zset  id -> write number          (oldest first: the cap drops the lowest)
    T:d    zset  id -> deadline              (items that have one, for the sweep)
    T:n    counter of writes

Reads compare the deadline with the tenant clock (never a Redis TTL: the clock can be set,
frozen and moved back), so an item past its deadline is never returned. Every write runs in one
Lua script that also drops up to ``SWEEP`` items past their deadline and the oldest items past
the cap, so memory follows the live items, not the traffic. ``LIB`` is the Lua each table's
scripts start with; ``forget`` callbacks keep the tables' indexes (a user's keys, sessions,
plugin rows) in step with what the cap and the sweep drop.
"""

from __future__ import annotations

from collections.abc import Callable

SWEEP = 16
"""Items past their deadline a write drops at most (one write adds one item: the sweep keeps up)."""

LIB = (
    """
local function body(raw) return string.sub(raw, string.find(raw, '|', 1, true) + 1) end
-- the record's "userid" (its first field after a string: no JSON string can hold '"userid":'
-- unescaped), read without decoding the JSON
local function userid(json) return string.match(json, '"userid":(%-?%d+)') end
local function live(raw, now)
  if not raw then return false end
  local cut = string.find(raw, '|', 1, true)
  if cut == 1 or now == '' then return true end
  return tonumber(string.sub(raw, 1, cut - 1)) >= tonumber(now)
end
local function drop(t, id, forget)
  if forget then
    local raw = redis.call('HGET', t, id)
    if not raw then return end
    redis.call('HDEL', t, id)
    forget(id, body(raw))
  elseif redis.call('HDEL', t, id) == 0 then
    return
  end
  redis.call('ZREM', t .. ':o', id)
  redis.call('ZREM', t .. ':d', id)
end
local function drop_all(t, ids)
  for first = 1, #ids, 1000 do
    local last = math.min(first + 999, #ids)
    redis.call('HDEL', t, unpack(ids, first, last))
    redis.call('ZREM', t .. ':o', unpack(ids, first, last))
    redis.call('ZREM', t .. ':d', unpack(ids, first, last))
  end
end
local function put(t, id, json, deadline, cap, now, forget)
  local n = redis.call('INCR', t .. ':n')
  redis.call('HSET', t, id, deadline .. '|' .. json)
  redis.call('ZADD', t .. ':o', n, id)
  if deadline == '' then redis.call('ZREM', t .. ':d', id) else redis.call('ZADD', t .. ':d', deadline, id) end
  if now ~= '' then
    local old = redis.call('ZRANGEBYSCORE', t .. ':d', '-inf', '(' .. now, 'LIMIT', 0, """
    + str(SWEEP)
    + """)
    for _, gone in ipairs(old) do drop(t, gone, forget) end
  end
  local over = redis.call('ZCARD', t .. ':o') - tonumber(cap)
  if over > 0 then
    for _, gone in ipairs(redis.call('ZRANGE', t .. ':o', 0, over - 1)) do drop(t, gone, forget) end
  end
end
"""
)

# KEYS: table; ARGV: id, JSON, deadline, cap, now
PUT = LIB + "put(KEYS[1], ARGV[1], ARGV[2], ARGV[3], ARGV[4], ARGV[5], nil)\n"

# the same, only while the item is live (save of a pending login); -> 1 if written
PUT_IF_LIVE = (
    LIB
    + """
if not live(redis.call('HGET', KEYS[1], ARGV[1]), ARGV[5]) then return 0 end
put(KEYS[1], ARGV[1], ARGV[2], ARGV[3], ARGV[4], ARGV[5], nil)
return 1
"""
)

# KEYS: table; ARGV: id -> the stored "<deadline>|<JSON>" (the caller checks the deadline)
TAKE = (
    LIB
    + """
local raw = redis.call('HGET', KEYS[1], ARGV[1])
if raw then drop(KEYS[1], ARGV[1], nil) end
return raw
"""
)


def deadline_arg(deadline: float | None) -> str:
    """A deadline as the scripts take it ('' for none); ints stay ints, floats keep every digit."""
    if deadline is None:
        return ""
    return str(deadline) if isinstance(deadline, int) else repr(float(deadline))


def now_arg(now: Callable[[], float] | None) -> str:
    return "" if now is None else repr(float(now()))


def live_body(raw: bytes | str | None, now: Callable[[], float] | None) -> bytes | None:
    """The JSON of a stored item that is still live on the tenant clock, else None."""
    if raw is None:
        return None
    data = raw.encode() if isinstance(raw, str) else raw
    deadline, _, body = data.partition(b"|")
    if deadline and now is not None and float(deadline) < now():
        return None
    return body
