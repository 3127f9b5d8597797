"""``RuntimeState`` on Redis: login keys, browser sessions and tokens shared by every process.

Layout under the tenant generation's prefix ``P`` (a reset starts a new prefix)::

    P k             bounded table (mockserver/stores/bounded.py): key value -> UserKey JSON
    P ku:<userid>   set   the user's key values
    P s             bounded table: session id -> Session JSON
    P su:<userid>   set   the user's session ids (logged-in users only)
    P tokens        hash  token -> Token JSON

The same bounded rules as ``MemoryRuntime``: a key is forgotten ``limits.expired_key_retention``
after ``validuntil``, a session at Moodle's session gc deadline (mockserver/world/expiry.py),
both on the tenant clock; past ``limits.userkeys`` / ``limits.sessions`` the oldest goes.
Take-once and one-key-per-user are Lua scripts, so each runs alone on the server: no other
command can fall between the check and the delete, whatever the number of processes.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import redis

from mockserver.stores.bounded import LIB, deadline_arg, live_body, now_arg
from mockserver.stores.codec import dumps, loads, text
from mockserver.stores.reads import KEY_READS
from mockserver.stores.wire import hget_for, script_for
from mockserver.world.entities import Session, Token, UserKey
from mockserver.world.expiry import resume_session, session_deadline, user_key_deadline
from mockserver.world.limits import Limits
from mockserver.world.runtime import DEFAULT_SESSIONTIMEOUT

_KEY_FORGET = """
local ku = ARGV[6]
local function forget(id, json) redis.call('SREM', ku .. userid(json), id) end
"""

# KEYS: table, the user's index; ARGV: value, JSON, deadline, cap, now, index prefix -> 0: value taken
_REPLACE = (
    LIB
    + _KEY_FORGET
    + """
local old = redis.call('HGET', KEYS[1], ARGV[1])
if live(old, ARGV[5]) then return 0 end
if old then drop(KEYS[1], ARGV[1], forget) end
drop_all(KEYS[1], redis.call('SMEMBERS', KEYS[2]))
redis.call('DEL', KEYS[2])
redis.call('SADD', KEYS[2], ARGV[1])
put(KEYS[1], ARGV[1], ARGV[2], ARGV[3], ARGV[4], ARGV[5], forget)
return 1
"""
)

# the same ARGV: add a key, keep the user's others
_ADD = (
    LIB
    + _KEY_FORGET
    + """
redis.call('SADD', KEYS[2], ARGV[1])
put(KEYS[1], ARGV[1], ARGV[2], ARGV[3], ARGV[4], ARGV[5], forget)
"""
)

# take_key: the live key ``value`` of the table ``rows`` taken with every other key of its user (one live key
# per user), false when it is not live; shared by _CONSUME and _LOGIN_WITH_KEY
_TAKE_KEY_FN = """
local function take_key(rows, value, prefix, now)
  local raw = redis.call('HGET', rows, value)
  if not live(raw, now) then return false end
  local mine = prefix .. userid(raw)
  local gone = redis.call('SMEMBERS', mine)
  gone[#gone + 1] = value
  drop_all(rows, gone)
  redis.call('DEL', mine)
  return true
end
"""

# KEYS: table; ARGV: value, index prefix, now -> 1 for the one caller that takes a live key
_CONSUME = (
    LIB
    + _TAKE_KEY_FN
    + """
if not take_key(KEYS[1], ARGV[1], ARGV[2], ARGV[3]) then return 0 end
return 1
"""
)

_DELETE_KEYS = (
    LIB
    + """
drop_all(KEYS[1], redis.call('SMEMBERS', KEYS[2]))
redis.call('DEL', KEYS[2])
"""
)

# save_session: session ``sid`` saved in the table ``rows`` with its user's index (prefix ``su``) kept right;
# shared by _SAVE_SESSION and _LOGIN_WITH_KEY
_SAVE_SESSION_FN = """
local function save_session(rows, sid, json, user, deadline, cap, now, su)
  local function forget(id, old_json)
    local was = userid(old_json)
    if was ~= '0' then redis.call('SREM', su .. was, id) end
  end
  local old = redis.call('HGET', rows, sid)
  if old then
    local was = userid(old)
    if was ~= user then redis.call('SREM', su .. was, sid) end
  end
  if user ~= '0' then redis.call('SADD', su .. user, sid) end
  put(rows, sid, json, deadline, cap, now, forget)
end
"""

# KEYS: table; ARGV: sid, JSON, userid, deadline, cap, now, index prefix
_SAVE_SESSION = (
    LIB
    + _SAVE_SESSION_FN
    + """
save_session(KEYS[1], ARGV[1], ARGV[2], ARGV[3], ARGV[4], ARGV[5], ARGV[6], ARGV[7])
"""
)

# login.php in one step: the key taken (as _CONSUME), then the user's change published (as the world
# log's publish, mockserver/stores/world.py) and the session saved (as _SAVE_SESSION), only if taken.
# KEYS: keys table, sessions table, log version, log states, log order
# ARGV: value, key index prefix, now, sid, session JSON, userid, session deadline, cap, session index
# prefix, entity, user JSON, channel -> the change's version, 0: not taken (nothing written)
_LOGIN_WITH_KEY = (
    LIB
    + _TAKE_KEY_FN
    + _SAVE_SESSION_FN
    + """
if not take_key(KEYS[1], ARGV[1], ARGV[2], ARGV[3]) then return 0 end
local v = redis.call('INCR', KEYS[3])
redis.call('HSET', KEYS[4], ARGV[10], ARGV[11])
redis.call('ZADD', KEYS[5], v, ARGV[10])
redis.call('PUBLISH', ARGV[12], 'w\\n' .. KEYS[3] .. '\\n' .. v .. '\\n' .. ARGV[11] .. '\\n' .. ARGV[10])
save_session(KEYS[2], ARGV[4], ARGV[5], ARGV[6], ARGV[7], ARGV[8], ARGV[3], ARGV[9])
return v
"""
)

# KEYS: table; ARGV: sid, index prefix
_DELETE_SESSION = (
    LIB
    + """
local raw = redis.call('HGET', KEYS[1], ARGV[1])
if raw then
  redis.call('SREM', ARGV[2] .. userid(raw), ARGV[1])
  drop(KEYS[1], ARGV[1], nil)
end
"""
)


class RedisRuntime:
    """One tenant generation's runtime state in Redis (copies go in and out, as JSON)."""

    def __init__(
        self,
        client: redis.Redis,
        prefix: str,
        *,
        now: Callable[[], float] | None = None,
        limits: Limits | None = None,
        sessiontimeout: int = DEFAULT_SESSIONTIMEOUT,
    ) -> None:
        self._r = client
        self.prefix = prefix
        self._now = now
        self.limits = limits if limits is not None else Limits()
        self.sessiontimeout = sessiontimeout
        self._keys = prefix + "k"
        self._key_users = prefix + "ku:"
        self._sessions = prefix + "s"
        self._session_users = prefix + "su:"
        self._tokens = prefix + "tokens"
        self._hget = hget_for(client)  # what requests run goes on the fast line (wire.py)
        self._replace = script_for(client, _REPLACE)
        self._add = script_for(client, _ADD)
        self._consume = script_for(client, _CONSUME)
        self._delete_keys = script_for(client, _DELETE_KEYS)
        self._save_session = script_for(client, _SAVE_SESSION)
        self._login_with_key = script_for(client, _LOGIN_WITH_KEY)
        self._delete_session = script_for(client, _DELETE_SESSION)

    def _call(self, script: Any, keys: list[str], args: list[Any]) -> Any:
        return script(keys=keys, args=args)

    # keys
    def user_key(self, value: str) -> UserKey | None:
        reads = KEY_READS.get()
        if reads is None:
            raw = self._hget(self._keys, value)
        else:
            name = self._keys + " " + value
            if name in reads:
                raw = reads[name]
            else:
                raw = reads[name] = self._hget(self._keys, value)
        body = live_body(raw, self._now)
        return None if body is None else loads(UserKey, body)

    @staticmethod
    def _forget_reads() -> None:
        reads = KEY_READS.get()
        if reads:
            reads.clear()

    def user_keys(self) -> list[UserKey]:
        bodies = (live_body(raw, self._now) for raw in self._r.hvals(self._keys))
        keys = [loads(UserKey, body) for body in bodies if body is not None]
        return sorted(keys, key=lambda k: (k.userid, k.timecreated, k.value))

    def _key_args(self, key: UserKey) -> list[Any]:
        deadline = user_key_deadline(key, self.limits.expired_key_retention) if self._now else None
        cap, now = self.limits.userkeys, now_arg(self._now)
        return [key.value, dumps(key), deadline_arg(deadline), cap, now, self._key_users]

    def replace_user_keys(self, key: UserKey) -> bool:
        self._forget_reads()
        keys = [self._keys, f"{self._key_users}{key.userid}"]
        return bool(self._call(self._replace, keys, self._key_args(key)))

    def add_user_key(self, key: UserKey) -> None:
        self._forget_reads()
        self._call(self._add, [self._keys, f"{self._key_users}{key.userid}"], self._key_args(key))

    def delete_user_keys(self, userid: int) -> None:
        self._forget_reads()
        self._call(self._delete_keys, [self._keys, f"{self._key_users}{userid}"], [])

    def consume_user_key(self, value: str) -> bool:
        self._forget_reads()
        return bool(self._call(self._consume, [self._keys], [value, self._key_users, now_arg(self._now)]))

    # sessions
    def session(self, sid: str) -> Session | None:
        body = live_body(self._hget(self._sessions, sid), self._now)
        if body is None:
            return None
        found = loads(Session, body)
        if self._now is not None and resume_session(found, int(self._now())):
            self._put_session(found)  # used again: its inactivity deadline moves
        return found

    def save_session(self, session: Session) -> None:
        if self._now is not None and not session.timecreated:
            session.timecreated = session.timemodified = int(self._now())
        self._put_session(session)

    def _session_args(self, session: Session) -> list[Any]:
        deadline = session_deadline(session, self.sessiontimeout) if self._now is not None else None
        return [
            session.sid,
            dumps(session),
            str(session.userid),
            deadline_arg(deadline),
            self.limits.sessions,
            now_arg(self._now),
            self._session_users,
        ]

    def _put_session(self, session: Session) -> None:
        self._save_session.defer([self._sessions], self._session_args(session))  # reply not needed (wire.py)

    def login_with_key(self, value: str, session: Session, change_keys: list[str], change_args: list[Any]) -> int:
        """Take the key ``value``; only if taken, publish a user's change (``WorldLog.change``) and
        save ``session`` — one script, one round trip. The change's version, 0: not taken."""
        self._forget_reads()
        if self._now is not None and not session.timecreated:
            session.timecreated = session.timemodified = int(self._now())
        sid, raw, userid, deadline, cap, now, session_users = self._session_args(session)
        keys = [self._keys, self._sessions, *change_keys]
        args = [value, self._key_users, now, sid, raw, userid, deadline, cap, session_users, *change_args]
        return int(self._login_with_key(keys=keys, args=args))

    def delete_session(self, sid: str) -> None:
        self._delete_session.defer([self._sessions], [sid, self._session_users])

    def sessions_of_user(self, userid: int) -> list[Session]:
        sids = sorted(text(s) for s in self._r.smembers(f"{self._session_users}{userid}"))
        if not sids:
            return []
        found: list[Session] = []
        for raw in self._r.hmget(self._sessions, sids):
            body = live_body(raw, self._now)
            if body is not None:
                session = loads(Session, body)
                if session.userid == userid:
                    found.append(session)
        return found

    # tokens (one per user and service: they grow with the world, not with requests)
    def token(self, value: str) -> Token | None:
        raw = self._r.hget(self._tokens, value)
        return None if raw is None else loads(Token, raw)

    def tokens(self) -> list[Token]:
        return [loads(Token, raw) for raw in self._r.hvals(self._tokens)]

    def add_token(self, token: Token) -> None:
        self._r.hset(self._tokens, token.token, dumps(token))

    def delete_token(self, value: str) -> None:
        self._r.hdel(self._tokens, value)
