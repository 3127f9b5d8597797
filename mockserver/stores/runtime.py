"""``RuntimeState`` on Redis: login keys, browser sessions and tokens shared by every process.

Layout under the tenant generation's prefix ``P`` (a reset starts a new prefix)::

    P keys          hash  key value -> UserKey JSON       (one live key per user: bounded by users)
    P ku:<userid>   set   the user's key values
    P s:<sid>       str   Session JSON, Redis TTL = SESSION_RETENTION_S (cleanup bound only)
    P su:<userid>   set   the user's session ids (logged-in users only; stale ids dropped on read)
    P tokens        hash  token -> Token JSON

Take-once and one-key-per-user are Lua scripts, so each runs alone on the server: no other
command can fall between the check and the delete, whatever the number of processes.
"""

from __future__ import annotations

from typing import Any

import redis

from mockserver.stores.codec import dumps, loads, loads_opt, text
from mockserver.stores.reads import KEY_READS
from mockserver.world.entities import Session, Token, UserKey

SESSION_RETENTION_S = 7 * 24 * 3600
"""Real seconds an untouched session is kept. Expiry that the tenant's clock decides is checked
by the domain on the times inside the record; the TTL only bounds memory (generously, because the
tenant clock may stand still or be moved back)."""

_REPLACE = """
if redis.call('HEXISTS', KEYS[1], ARGV[1]) == 1 then return 0 end
local old = redis.call('SMEMBERS', KEYS[2])
for _, value in ipairs(old) do redis.call('HDEL', KEYS[1], value) end
redis.call('DEL', KEYS[2])
redis.call('HSET', KEYS[1], ARGV[1], ARGV[2])
redis.call('SADD', KEYS[2], ARGV[1])
return 1
"""

_CONSUME = """
local raw = redis.call('HGET', KEYS[1], ARGV[1])
if not raw then return 0 end
local users = ARGV[2] .. string.format('%d', cjson.decode(raw)['userid'])
for _, value in ipairs(redis.call('SMEMBERS', users)) do redis.call('HDEL', KEYS[1], value) end
redis.call('HDEL', KEYS[1], ARGV[1])
redis.call('DEL', users)
return 1
"""

_DELETE_KEYS = """
for _, value in ipairs(redis.call('SMEMBERS', KEYS[2])) do redis.call('HDEL', KEYS[1], value) end
redis.call('DEL', KEYS[2])
"""

# KEYS: session key; ARGV: json, userid, ttl, user index prefix, sid
_SAVE_SESSION = """
local old = redis.call('GET', KEYS[1])
if old then
  local was = string.format('%d', cjson.decode(old)['userid'])
  if was ~= ARGV[2] then redis.call('SREM', ARGV[4] .. was, ARGV[5]) end
end
redis.call('SET', KEYS[1], ARGV[1], 'EX', ARGV[3])
if ARGV[2] ~= '0' then
  redis.call('SADD', ARGV[4] .. ARGV[2], ARGV[5])
  redis.call('EXPIRE', ARGV[4] .. ARGV[2], ARGV[3])
end
"""

_DELETE_SESSION = """
local old = redis.call('GET', KEYS[1])
if old then
  redis.call('SREM', ARGV[1] .. string.format('%d', cjson.decode(old)['userid']), ARGV[2])
  redis.call('DEL', KEYS[1])
end
"""


class RedisRuntime:
    """One tenant generation's runtime state in Redis (copies go in and out, as JSON)."""

    def __init__(self, client: redis.Redis, prefix: str) -> None:
        self._r = client
        self.prefix = prefix
        self._keys = prefix + "keys"
        self._key_users = prefix + "ku:"
        self._sessions = prefix + "s:"
        self._session_users = prefix + "su:"
        self._tokens = prefix + "tokens"
        self._replace = client.register_script(_REPLACE)
        self._consume = client.register_script(_CONSUME)
        self._delete_keys = client.register_script(_DELETE_KEYS)
        self._save_session = client.register_script(_SAVE_SESSION)
        self._delete_session = client.register_script(_DELETE_SESSION)

    def _call(self, script: Any, keys: list[str], args: list[Any]) -> Any:
        return script(keys=keys, args=args)

    # keys
    def user_key(self, value: str) -> UserKey | None:
        reads = KEY_READS.get()
        if reads is None:
            return loads_opt(UserKey, self._r.hget(self._keys, value))
        name = self._keys + " " + value
        if name in reads:
            return loads_opt(UserKey, reads[name])
        raw = reads[name] = self._r.hget(self._keys, value)
        return loads_opt(UserKey, raw)

    @staticmethod
    def _forget_reads() -> None:
        reads = KEY_READS.get()
        if reads:
            reads.clear()

    def user_keys(self) -> list[UserKey]:
        keys = [loads(UserKey, raw) for raw in self._r.hvals(self._keys)]
        return sorted(keys, key=lambda k: (k.userid, k.timecreated, k.value))

    def replace_user_keys(self, key: UserKey) -> bool:
        self._forget_reads()
        keys = [self._keys, f"{self._key_users}{key.userid}"]
        return bool(self._call(self._replace, keys, [key.value, dumps(key)]))

    def add_user_key(self, key: UserKey) -> None:
        self._forget_reads()
        with self._r.pipeline() as pipe:
            pipe.hset(self._keys, key.value, dumps(key))
            pipe.sadd(f"{self._key_users}{key.userid}", key.value)
            pipe.execute()

    def delete_user_keys(self, userid: int) -> None:
        self._forget_reads()
        self._call(self._delete_keys, [self._keys, f"{self._key_users}{userid}"], [])

    def consume_user_key(self, value: str) -> bool:
        self._forget_reads()
        return bool(self._call(self._consume, [self._keys], [value, self._key_users]))

    # sessions
    def session(self, sid: str) -> Session | None:
        return loads_opt(Session, self._r.get(self._sessions + sid))

    def save_session(self, session: Session) -> None:
        args = [dumps(session), str(session.userid), SESSION_RETENTION_S, self._session_users, session.sid]
        self._call(self._save_session, [self._sessions + session.sid], args)

    def delete_session(self, sid: str) -> None:
        self._call(self._delete_session, [self._sessions + sid], [self._session_users, sid])

    def sessions_of_user(self, userid: int) -> list[Session]:
        index = f"{self._session_users}{userid}"
        sids = sorted(text(s) for s in self._r.smembers(index))
        if not sids:
            return []
        found: list[Session] = []
        for sid, raw in zip(sids, self._r.mget([self._sessions + s for s in sids]), strict=True):
            if raw is None:
                self._r.srem(index, sid)  # expired: the index forgets it
                continue
            session = loads(Session, raw)
            if session.userid == userid:
                found.append(session)
        return found

    # tokens
    def token(self, value: str) -> Token | None:
        return loads_opt(Token, self._r.hget(self._tokens, value))

    def tokens(self) -> list[Token]:
        return [loads(Token, raw) for raw in self._r.hvals(self._tokens)]

    def add_token(self, token: Token) -> None:
        self._r.hset(self._tokens, token.token, dumps(token))

    def delete_token(self, value: str) -> None:
        self._r.hdel(self._tokens, value)
