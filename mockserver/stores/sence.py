"""``SenceStore`` on Redis: the attendance register, SENCE sessions, pending logins, rule counters
and the Moodle plugin's rows, shared by every process.

Layout under the tenant generation's prefix ``P``::

    P se:e / se:eid        hash id -> RegisterEntry JSON / last id
    P se:s / se:c          hash IdSesionSence -> SenceSession JSON / closing time (set once: HSETNX)
    P se:a:<id>            str  LoginAttempt JSON, Redis TTL = ATTEMPT_RETENTION_S; taken with GETDEL
    P se:r                 hash rule index -> matches so far
    P se:g / se:gid        hash id -> GateRecord JSON / last id
    P se:gu:<user>:<course> set  ids of the user's records for the course
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any

import redis

from mockserver.sence.records import GateRecord, LoginAttempt, RegisterEntry, SenceSession
from mockserver.stores.codec import dumps, loads, loads_opt

ATTEMPT_RETENTION_S = 24 * 3600
"""Real seconds a pending login is kept (a login page left open); cleanup bound only."""

_CLOSE = """
if redis.call('HEXISTS', KEYS[1], ARGV[1]) == 0 then return 0 end
return redis.call('HSETNX', KEYS[2], ARGV[1], ARGV[2])
"""


class RedisSenceStore:
    def __init__(self, client: redis.Redis, prefix: str, started: float = 0.0) -> None:
        self._r = client
        self.started = started
        p = prefix + "se:"
        self._entries, self._entry_id = p + "e", p + "eid"
        self._sessions, self._closed = p + "s", p + "c"
        self._attempts = p + "a:"
        self._rules = p + "r"
        self._gate, self._gate_id, self._gate_index = p + "g", p + "gid", p + "gu:"
        self._close = client.register_script(_CLOSE)

    # attendance register
    def add_entry(self, entry: RegisterEntry) -> RegisterEntry:
        entry_id = int(self._r.incr(self._entry_id))
        stored = replace(entry, id=entry_id)
        self._r.hset(self._entries, str(entry_id), dumps(stored))
        return stored

    def save_entry(self, entry: RegisterEntry) -> None:
        self._r.hset(self._entries, str(entry.id), dumps(entry))

    def entry(self, entry_id: int) -> RegisterEntry | None:
        return loads_opt(RegisterEntry, self._r.hget(self._entries, str(entry_id)))

    def entries(self) -> list[RegisterEntry]:
        return sorted((loads(RegisterEntry, raw) for raw in self._r.hvals(self._entries)), key=lambda e: e.id)

    # SENCE sessions
    def add_session(self, session: SenceSession) -> bool:
        return bool(self._r.hsetnx(self._sessions, session.IdSesionSence, dumps(session)))

    def session(self, id_sesion_sence: str) -> SenceSession | None:
        with self._r.pipeline(transaction=False) as pipe:
            pipe.hget(self._sessions, id_sesion_sence)
            pipe.hget(self._closed, id_sesion_sence)
            raw, closed = pipe.execute()
        found = loads_opt(SenceSession, raw)
        if found is not None and closed is not None:
            found.closed = float(closed)
        return found

    def sessions(self) -> list[SenceSession]:
        with self._r.pipeline(transaction=False) as pipe:
            pipe.hgetall(self._sessions)
            pipe.hgetall(self._closed)
            raw, closed = pipe.execute()
        found = []
        for sid, value in raw.items():
            session = loads(SenceSession, value)
            if sid in closed:
                session.closed = float(closed[sid])
            found.append(session)
        return sorted(found, key=lambda s: (s.started, s.IdSesionSence))

    def close_session(self, id_sesion_sence: str, when: float) -> bool:
        return bool(self._close(keys=[self._sessions, self._closed], args=[id_sesion_sence, repr(float(when))]))

    # pending logins
    def add_attempt(self, attempt: LoginAttempt) -> None:
        self._r.set(self._attempts + attempt.id, dumps(attempt), ex=ATTEMPT_RETENTION_S)

    def attempt(self, attempt_id: str) -> LoginAttempt | None:
        return loads_opt(LoginAttempt, self._r.get(self._attempts + attempt_id))

    def save_attempt(self, attempt: LoginAttempt) -> None:
        self._r.set(self._attempts + attempt.id, dumps(attempt), xx=True, keepttl=True)

    def take_attempt(self, attempt_id: str) -> LoginAttempt | None:
        return loads_opt(LoginAttempt, self._r.getdel(self._attempts + attempt_id))

    # scripted rules
    def bump_rule(self, index: int) -> int:
        return int(self._r.hincrby(self._rules, str(index), 1)) - 1

    # Moodle plugin table
    def add_gate_record(self, record: GateRecord) -> GateRecord:
        record_id = int(self._r.incr(self._gate_id))
        stored = replace(record, id=record_id)
        with self._r.pipeline() as pipe:
            pipe.hset(self._gate, str(record_id), dumps(stored))
            pipe.sadd(f"{self._gate_index}{record.userid}:{record.courseid}", record_id)
            pipe.execute()
        return stored

    def save_gate_record(self, record: GateRecord) -> None:
        self._r.hset(self._gate, str(record.id), dumps(record))

    def all_gate_records(self) -> list[GateRecord]:
        rows: Any = self._r.hgetall(self._gate)
        return sorted((loads(GateRecord, raw) for raw in rows.values()), key=lambda r: r.id)

    def gate_records(self, userid: int, courseid: int) -> list[GateRecord]:
        ids = sorted(int(i) for i in self._r.smembers(f"{self._gate_index}{userid}:{courseid}"))
        if not ids:
            return []
        rows = self._r.hmget(self._gate, [str(i) for i in ids])
        return [loads(GateRecord, raw) for raw in rows if raw is not None]
