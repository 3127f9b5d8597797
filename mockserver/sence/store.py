"""SENCE state behind one interface: the register, sessions, pending logins, rule counters and the
Moodle plugin's rows. Every operation that must be atomic across workers is a single method."""

from __future__ import annotations

import copy
import threading
from collections.abc import Callable
from dataclasses import replace
from typing import Protocol

from mockserver.sence.records import GateRecord, LoginAttempt, RegisterEntry, SenceSession
from mockserver.world.bounded import BoundedMap, no_clock
from mockserver.world.limits import Limits

DEFAULT_PENDING_LOGIN_LIFETIME = 3600
"""``sence.settings.pending_login_lifetime``'s default."""


class SenceStore(Protocol):
    started: float
    """Clock time when the world was (re)built; relative execution dates count from it."""

    # attendance register
    def add_entry(self, entry: RegisterEntry) -> RegisterEntry: ...
    def save_entry(self, entry: RegisterEntry) -> None: ...
    def entry(self, entry_id: int) -> RegisterEntry | None: ...
    def entries(self) -> list[RegisterEntry]: ...

    # SENCE sessions
    def add_session(self, session: SenceSession) -> bool:
        """Store a new session; False if its IdSesionSence is taken."""
        ...

    def session(self, id_sesion_sence: str) -> SenceSession | None: ...
    def sessions(self) -> list[SenceSession]: ...
    def close_session(self, id_sesion_sence: str, when: float) -> bool:
        """Mark the session closed; False unless it was open."""
        ...

    # pending logins
    def add_attempt(self, attempt: LoginAttempt) -> None: ...
    def attempt(self, attempt_id: str) -> LoginAttempt | None: ...
    def save_attempt(self, attempt: LoginAttempt) -> None: ...
    def take_attempt(self, attempt_id: str) -> LoginAttempt | None:
        """Remove and return the attempt (only one request can finish a login)."""
        ...

    # scripted rules
    def bump_rule(self, index: int) -> int:
        """Count one more match of rule ``index``; return how many matches came before."""
        ...

    # Moodle plugin table
    def add_gate_record(self, record: GateRecord) -> GateRecord: ...
    def save_gate_record(self, record: GateRecord) -> None: ...
    def gate_records(self, userid: int, courseid: int) -> list[GateRecord]: ...
    def all_gate_records(self) -> list[GateRecord]:
        """Every gate record, by id (a bounded table: the admin world view lists them)."""
        ...


class SenceMemoryStore:
    """In-process store; copies go in and out so callers never share mutable records.

    Every table grows with traffic, so each is a ``BoundedMap`` (mockserver/world/bounded.py):
    deadlines on the tenant clock ``now`` from mockserver/world/expiry.py, caps from ``Limits``.
    Without a clock nothing expires by time; the caps still apply. Ids count up from 1 and are
    never reused, even when old rows are gone."""

    def __init__(
        self,
        started: float = 0.0,
        *,
        now: Callable[[], float] | None = None,
        limits: Limits | None = None,
        pending_login_lifetime: int = DEFAULT_PENDING_LOGIN_LIFETIME,
    ) -> None:
        self.started = started
        self._now = now
        self.limits = limits if limits is not None else Limits()
        self.pending_login_lifetime = pending_login_lifetime
        clock = now if now is not None else no_clock
        self._entries: BoundedMap[int, RegisterEntry] = BoundedMap(self.limits.sence_register, clock)
        self._sessions: BoundedMap[str, SenceSession] = BoundedMap(self.limits.sence_sessions, clock)
        self._attempts: BoundedMap[str, LoginAttempt] = BoundedMap(self.limits.sence_pending, clock)
        self._rule_hits: dict[int, int] = {}  # one counter per scripted rule: bounded by the scenario
        self._gate: BoundedMap[int, GateRecord] = BoundedMap(self.limits.gate_records, clock)
        self._last_entry = 0
        self._last_gate = 0
        # The check-then-write operations hold this lock, so they stay atomic if called from threads.
        self._lock = threading.Lock()

    def _deadline(self, start: float, seconds: int) -> float | None:
        return start + seconds if self._now is not None else None

    def add_entry(self, entry: RegisterEntry) -> RegisterEntry:
        with self._lock:
            self._last_entry += 1
            stored = replace(entry, id=self._last_entry)
            self._put_entry(stored)
        return replace(stored)

    def save_entry(self, entry: RegisterEntry) -> None:
        with self._lock:
            self._put_entry(replace(entry))

    def _put_entry(self, entry: RegisterEntry) -> None:
        self._entries.put(entry.id, entry, self._deadline(entry.time, self.limits.sence_register_retention))

    def entry(self, entry_id: int) -> RegisterEntry | None:
        with self._lock:
            found = self._entries.get(entry_id)
        return replace(found) if found else None

    def entries(self) -> list[RegisterEntry]:
        """Oldest post first (a saved entry keeps its place)."""
        return [replace(e) for e in sorted(self._entries.values(), key=lambda e: e.id)]

    def add_session(self, session: SenceSession) -> bool:
        with self._lock:
            if self._sessions.get(session.IdSesionSence) is not None:
                return False
            deadline = self._deadline(session.started, self.limits.sence_session_retention)
            self._sessions.put(session.IdSesionSence, replace(session), deadline)
            return True

    def session(self, id_sesion_sence: str) -> SenceSession | None:
        with self._lock:
            found = self._sessions.get(id_sesion_sence)
        return replace(found) if found else None

    def sessions(self) -> list[SenceSession]:
        return [replace(s) for s in self._sessions.values()]

    def close_session(self, id_sesion_sence: str, when: float) -> bool:
        with self._lock:
            found = self._sessions.get(id_sesion_sence)
            if found is None or not found.is_open:
                return False
            found.closed = when
            return True

    def add_attempt(self, attempt: LoginAttempt) -> None:
        with self._lock:
            self._put_attempt(attempt)

    def _put_attempt(self, attempt: LoginAttempt) -> None:
        deadline = self._deadline(attempt.created, self.pending_login_lifetime)
        self._attempts.put(attempt.id, copy.deepcopy(attempt), deadline)

    def attempt(self, attempt_id: str) -> LoginAttempt | None:
        with self._lock:
            found = self._attempts.get(attempt_id)
        return copy.deepcopy(found) if found else None

    def save_attempt(self, attempt: LoginAttempt) -> None:
        with self._lock:
            if self._attempts.get(attempt.id) is not None:
                self._put_attempt(attempt)

    def take_attempt(self, attempt_id: str) -> LoginAttempt | None:
        with self._lock:
            return self._attempts.pop(attempt_id)

    def bump_rule(self, index: int) -> int:
        with self._lock:
            before = self._rule_hits.get(index, 0)
            self._rule_hits[index] = before + 1
            return before

    def add_gate_record(self, record: GateRecord) -> GateRecord:
        with self._lock:
            self._last_gate += 1
            stored = replace(record, id=self._last_gate)
            self._gate.put(stored.id, stored, None)
        return replace(stored)

    def save_gate_record(self, record: GateRecord) -> None:
        with self._lock:
            self._gate.put(record.id, replace(record), None)

    def gate_records(self, userid: int, courseid: int) -> list[GateRecord]:
        found = [r for r in self._gate.values() if r.userid == userid and r.courseid == courseid]
        return [replace(r) for r in sorted(found, key=lambda r: r.id)]

    def all_gate_records(self) -> list[GateRecord]:
        return [replace(r) for r in sorted(self._gate.values(), key=lambda r: r.id)]

    def stats(self) -> dict[str, dict[str, int]]:
        """How full each table is (held, cap, expired, evicted)."""
        return {
            "register": self._entries.stats(),
            "sessions": self._sessions.stats(),
            "pending": self._attempts.stats(),
            "gate_records": self._gate.stats(),
        }
