"""SENCE state behind one interface: the register, sessions, pending logins, rule counters and the
Moodle plugin's rows. Every operation that must be atomic across workers is a single method."""

from __future__ import annotations

import copy
import threading
from dataclasses import replace
from typing import Protocol

from mockserver.sence.records import GateRecord, LoginAttempt, RegisterEntry, SenceSession


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


class SenceMemoryStore:
    """In-process store; copies go in and out so callers never share mutable records."""

    def __init__(self, started: float = 0.0) -> None:
        self.started = started
        self._entries: dict[int, RegisterEntry] = {}
        self._sessions: dict[str, SenceSession] = {}
        self._attempts: dict[str, LoginAttempt] = {}
        self._rule_hits: dict[int, int] = {}
        self._gate: dict[int, GateRecord] = {}
        # The check-then-write operations hold this lock, so they stay atomic if called from threads.
        self._lock = threading.Lock()

    def add_entry(self, entry: RegisterEntry) -> RegisterEntry:
        with self._lock:
            stored = replace(entry, id=len(self._entries) + 1)
            self._entries[stored.id] = stored
        return replace(stored)

    def save_entry(self, entry: RegisterEntry) -> None:
        self._entries[entry.id] = replace(entry)

    def entry(self, entry_id: int) -> RegisterEntry | None:
        found = self._entries.get(entry_id)
        return replace(found) if found else None

    def entries(self) -> list[RegisterEntry]:
        return [replace(e) for e in self._entries.values()]

    def add_session(self, session: SenceSession) -> bool:
        with self._lock:
            if session.IdSesionSence in self._sessions:
                return False
            self._sessions[session.IdSesionSence] = replace(session)
            return True

    def session(self, id_sesion_sence: str) -> SenceSession | None:
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
        self._attempts[attempt.id] = copy.deepcopy(attempt)

    def attempt(self, attempt_id: str) -> LoginAttempt | None:
        found = self._attempts.get(attempt_id)
        return copy.deepcopy(found) if found else None

    def save_attempt(self, attempt: LoginAttempt) -> None:
        if attempt.id in self._attempts:
            self._attempts[attempt.id] = copy.deepcopy(attempt)

    def take_attempt(self, attempt_id: str) -> LoginAttempt | None:
        return self._attempts.pop(attempt_id, None)

    def bump_rule(self, index: int) -> int:
        with self._lock:
            before = self._rule_hits.get(index, 0)
            self._rule_hits[index] = before + 1
            return before

    def add_gate_record(self, record: GateRecord) -> GateRecord:
        with self._lock:
            stored = replace(record, id=len(self._gate) + 1)
            self._gate[stored.id] = stored
        return replace(stored)

    def save_gate_record(self, record: GateRecord) -> None:
        self._gate[record.id] = replace(record)

    def gate_records(self, userid: int, courseid: int) -> list[GateRecord]:
        return [replace(r) for r in self._gate.values() if r.userid == userid and r.courseid == courseid]
