"""``SenceStore`` on Redis: the attendance register, SENCE sessions, pending logins, rule counters
and the Moodle plugin's rows, shared by every process.

Layout under the tenant generation's prefix ``P``; the tables are bounded like
``SenceMemoryStore``'s (mockserver/stores/bounded.py: deadlines on the tenant clock, caps from
``Limits``, oldest first out; ids count up and are never reused)::

    P se:e / se:eid        bounded table id -> RegisterEntry JSON / last id
    P se:s / se:c          bounded table IdSesionSence -> SenceSession JSON / hash closing time
                           (set once: HSETNX; dropped with its session)
    P se:a                 bounded table id -> LoginAttempt JSON; a login finishes once (taken in a script)
    P se:r                 hash rule index -> matches so far (bounded by the scenario's rules)
    P se:g / se:gid        bounded table id -> GateRecord JSON / last id
    P se:gu:<user>:<course> set  ids of the user's records for the course
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from typing import Any

import redis

from mockserver.sence.records import GateRecord, LoginAttempt, RegisterEntry, SenceSession
from mockserver.sence.store import DEFAULT_PENDING_LOGIN_LIFETIME
from mockserver.stores.bounded import LIB, PUT, PUT_IF_LIVE, TAKE, deadline_arg, live_body, now_arg
from mockserver.stores.codec import dumps, loads
from mockserver.stores.wire import hget_for, script_for
from mockserver.world.limits import Limits

_ID_HEAD = '{"id":0'
"""How the JSON of a record with ``id=0`` starts (``id`` is the first field): a script puts the
id it draws in its place."""

# KEYS: table, id counter; ARGV: JSON after the id, deadline, cap, now -> the new id
_ADD_WITH_ID = (
    LIB
    + """
local id = redis.call('INCR', KEYS[2])
put(KEYS[1], tostring(id), '{"id":' .. id .. ARGV[1], ARGV[2], ARGV[3], ARGV[4], nil)
return id
"""
)

# KEYS: table, closings; ARGV: IdSesionSence, JSON, deadline, cap, now -> 0: taken by a live session
_ADD_SESSION = (
    LIB
    + """
local closed = KEYS[2]
local function forget(id, json) redis.call('HDEL', closed, id) end
local old = redis.call('HGET', KEYS[1], ARGV[1])
if live(old, ARGV[5]) then return 0 end
if old then drop(KEYS[1], ARGV[1], forget) end
put(KEYS[1], ARGV[1], ARGV[2], ARGV[3], ARGV[4], ARGV[5], forget)
return 1
"""
)

# KEYS: table, closings; ARGV: IdSesionSence, closing time, now -> 1 for the one close of an open session
_CLOSE = (
    LIB
    + """
if not live(redis.call('HGET', KEYS[1], ARGV[1]), ARGV[3]) then return 0 end
return redis.call('HSETNX', KEYS[2], ARGV[1], ARGV[2])
"""
)

_GATE_FORGET = """
local gu = ARGV[#ARGV]
local function forget(id, json)
  local row = cjson.decode(json)
  redis.call('SREM', gu .. string.format('%d:%d', row['userid'], row['courseid']), id)
end
"""

# KEYS: table, id counter, the row's index; ARGV: JSON after the id, deadline, cap, now, index prefix
_ADD_GATE = (
    LIB
    + _GATE_FORGET
    + """
local id = redis.call('INCR', KEYS[2])
redis.call('SADD', KEYS[3], id)
put(KEYS[1], tostring(id), '{"id":' .. id .. ARGV[1], ARGV[2], ARGV[3], ARGV[4], forget)
return id
"""
)

# KEYS: table, the row's index; ARGV: id, JSON, deadline, cap, now, index prefix
_SAVE_GATE = (
    LIB
    + _GATE_FORGET
    + """
redis.call('SADD', KEYS[2], ARGV[1])
put(KEYS[1], ARGV[1], ARGV[2], ARGV[3], ARGV[4], '', forget)
"""
)


def _tail(record: Any) -> str:
    """The record's JSON after ``{"id":0`` (a script writes the id it draws before it)."""
    raw = dumps(replace(record, id=0))
    assert raw.startswith(_ID_HEAD)
    return raw[len(_ID_HEAD) :]


class RedisSenceStore:
    def __init__(
        self,
        client: redis.Redis,
        prefix: str,
        started: float = 0.0,
        *,
        now: Callable[[], float] | None = None,
        limits: Limits | None = None,
        pending_login_lifetime: int = DEFAULT_PENDING_LOGIN_LIFETIME,
    ) -> None:
        self._r = client
        self.started = started
        self._now = now
        self.limits = limits if limits is not None else Limits()
        self.pending_login_lifetime = pending_login_lifetime
        p = prefix + "se:"
        self._entries, self._entry_id = p + "e", p + "eid"
        self._sessions, self._closed = p + "s", p + "c"
        self._attempts = p + "a"
        self._rules = p + "r"
        self._gate, self._gate_id, self._gate_index = p + "g", p + "gid", p + "gu:"
        self._hget = hget_for(client)  # what requests run goes on the fast line (wire.py)
        self._put = script_for(client, PUT)
        self._put_if_live = script_for(client, PUT_IF_LIVE)
        self._take = script_for(client, TAKE)
        self._add_with_id = script_for(client, _ADD_WITH_ID)
        self._add_session = script_for(client, _ADD_SESSION)
        self._close = script_for(client, _CLOSE)
        self._add_gate = script_for(client, _ADD_GATE)
        self._save_gate = script_for(client, _SAVE_GATE)

    def _deadline(self, start: float, seconds: int) -> str:
        return deadline_arg(start + seconds if self._now is not None else None)

    def _live(self, raw: Any) -> bytes | None:
        return live_body(raw, self._now)

    # attendance register
    def add_entry(self, entry: RegisterEntry) -> RegisterEntry:
        deadline = self._deadline(entry.time, self.limits.sence_register_retention)
        args: list[Any] = [_tail(entry), deadline, self.limits.sence_register, now_arg(self._now)]
        entry_id = int(self._add_with_id(keys=[self._entries, self._entry_id], args=args))
        return replace(entry, id=entry_id)

    def save_entry(self, entry: RegisterEntry) -> None:
        deadline = self._deadline(entry.time, self.limits.sence_register_retention)
        args: list[Any] = [str(entry.id), dumps(entry), deadline, self.limits.sence_register, now_arg(self._now)]
        self._put(keys=[self._entries], args=args)

    def entry(self, entry_id: int) -> RegisterEntry | None:
        body = self._live(self._hget(self._entries, str(entry_id)))
        return None if body is None else loads(RegisterEntry, body)

    def entries(self) -> list[RegisterEntry]:
        bodies = (self._live(raw) for raw in self._r.hvals(self._entries))
        return sorted((loads(RegisterEntry, b) for b in bodies if b is not None), key=lambda e: e.id)

    # SENCE sessions
    def add_session(self, session: SenceSession) -> bool:
        deadline = self._deadline(session.started, self.limits.sence_session_retention)
        cap, now = self.limits.sence_sessions, now_arg(self._now)
        args: list[Any] = [session.IdSesionSence, dumps(session), deadline, cap, now]
        return bool(self._add_session(keys=[self._sessions, self._closed], args=args))

    def session(self, id_sesion_sence: str) -> SenceSession | None:
        with self._r.pipeline(transaction=False) as pipe:
            pipe.hget(self._sessions, id_sesion_sence)
            pipe.hget(self._closed, id_sesion_sence)
            raw, closed = pipe.execute()
        body = self._live(raw)
        if body is None:
            return None
        found = loads(SenceSession, body)
        if closed is not None:
            found.closed = float(closed)
        return found

    def sessions(self) -> list[SenceSession]:
        with self._r.pipeline(transaction=False) as pipe:
            pipe.hgetall(self._sessions)
            pipe.hgetall(self._closed)
            raw, closed = pipe.execute()
        found = []
        for sid, value in raw.items():
            body = self._live(value)
            if body is None:
                continue
            session = loads(SenceSession, body)
            if sid in closed:
                session.closed = float(closed[sid])
            found.append(session)
        return sorted(found, key=lambda s: (s.started, s.IdSesionSence))

    def close_session(self, id_sesion_sence: str, when: float) -> bool:
        args: list[Any] = [id_sesion_sence, repr(float(when)), now_arg(self._now)]
        return bool(self._close(keys=[self._sessions, self._closed], args=args))

    # pending logins
    def _attempt_args(self, attempt: LoginAttempt) -> list[Any]:
        deadline = self._deadline(attempt.created, self.pending_login_lifetime)
        return [attempt.id, dumps(attempt), deadline, self.limits.sence_pending, now_arg(self._now)]

    def add_attempt(self, attempt: LoginAttempt) -> None:
        self._put(keys=[self._attempts], args=self._attempt_args(attempt))

    def attempt(self, attempt_id: str) -> LoginAttempt | None:
        body = self._live(self._hget(self._attempts, attempt_id))
        return None if body is None else loads(LoginAttempt, body)

    def save_attempt(self, attempt: LoginAttempt) -> None:
        self._put_if_live(keys=[self._attempts], args=self._attempt_args(attempt))

    def take_attempt(self, attempt_id: str) -> LoginAttempt | None:
        body = self._live(self._take(keys=[self._attempts], args=[attempt_id]))
        return None if body is None else loads(LoginAttempt, body)

    # scripted rules
    def bump_rule(self, index: int) -> int:
        return int(self._r.hincrby(self._rules, str(index), 1)) - 1

    # Moodle plugin table (no deadline: only the cap)
    def _gate_key(self, record: GateRecord) -> str:
        return f"{self._gate_index}{record.userid}:{record.courseid}"

    def add_gate_record(self, record: GateRecord) -> GateRecord:
        keys = [self._gate, self._gate_id, self._gate_key(record)]
        args: list[Any] = [_tail(record), "", self.limits.gate_records, "", self._gate_index]
        return replace(record, id=int(self._add_gate(keys=keys, args=args)))

    def save_gate_record(self, record: GateRecord) -> None:
        args: list[Any] = [str(record.id), dumps(record), "", self.limits.gate_records, "", self._gate_index]
        self._save_gate(keys=[self._gate, self._gate_key(record)], args=args)

    def all_gate_records(self) -> list[GateRecord]:
        bodies = (self._live(raw) for raw in self._r.hvals(self._gate))
        return sorted((loads(GateRecord, body) for body in bodies if body is not None), key=lambda r: r.id)

    def gate_records(self, userid: int, courseid: int) -> list[GateRecord]:
        ids = sorted(int(i) for i in self._r.smembers(f"{self._gate_index}{userid}:{courseid}"))
        if not ids:
            return []
        rows = self._r.hmget(self._gate, [str(i) for i in ids])
        return [loads(GateRecord, body) for body in (self._live(raw) for raw in rows) if body is not None]
