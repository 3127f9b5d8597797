"""The bounded rules of the store contract (issue 9 part 2) on every backend: deadlines on the tenant
clock (a fake clock here, moved by hand), caps with the oldest first out, indexes kept in step.

The same outcomes as mockserver/world/bounded.py gives in memory; the Redis backend applies them
in its scripts (mockserver/stores/bounded.py). Every outcome is exact: time moves only by hand.
"""

from __future__ import annotations

from dataclasses import replace

from mockserver.sence.records import GateRecord, LoginAttempt
from mockserver.world.entities import Session, UserKey
from mockserver.world.limits import Limits
from tests.store.conftest import Backend
from tests.store.test_contract import entry, sence_session


class Clock:
    def __init__(self, now: float = 1000.0) -> None:
        self.now = now

    def __call__(self) -> float:
        return self.now


def key(value: str, userid: int, validuntil: int = 1050) -> UserKey:
    return UserKey(value, userid, validuntil, None, 1000)


def attempt(ident: str, created: float = 1000.0) -> LoginAttempt:
    return LoginAttempt(ident, "start", "rce", {"RunAlumno": "1-9"}, 1, created)


def gate(userid: int = 7, courseid: int = 2) -> GateRecord:
    return GateRecord(0, userid, courseid, "", "", "3", "", "", "", "", "", 0)


# login keys


def test_a_key_is_forgotten_a_retention_after_it_expired(backend: Backend) -> None:
    clock = Clock()
    state = backend.runtime(now=clock, limits=Limits(expired_key_retention=100))
    state.add_user_key(key("k", 7))
    clock.now = 1150  # expired 100 s ago: still known (the domain answers "Expired key")
    assert state.user_key("k") == key("k", 7)
    clock.now = 1151
    assert state.user_key("k") is None
    assert state.user_keys() == []
    assert state.consume_user_key("k") is False


def test_keys_past_the_cap_go_oldest_first_and_their_users_forget_them(backend: Backend) -> None:
    state = backend.runtime(now=Clock(), limits=Limits(userkeys=2))
    for userid in (1, 2, 3):
        state.replace_user_keys(key(f"k{userid}", userid))
    assert [k.value for k in state.user_keys()] == ["k2", "k3"]
    assert state.consume_user_key("k1") is False
    assert state.replace_user_keys(key("again", 1)) is True  # user 1 starts afresh; k2 is now the oldest
    assert [k.value for k in state.user_keys()] == ["again", "k3"]
    assert state.consume_user_key("k3") is True
    assert [k.value for k in state.user_keys()] == ["again"]


def test_a_replacement_never_reuses_a_live_value(backend: Backend) -> None:
    state = backend.runtime(now=Clock())
    state.replace_user_keys(key("same", 1))
    assert state.replace_user_keys(key("same", 2)) is False
    assert [(k.value, k.userid) for k in state.user_keys()] == [("same", 1)]


def test_without_a_clock_keys_never_expire_but_are_capped(backend: Backend) -> None:
    state = backend.runtime(limits=Limits(userkeys=1, expired_key_retention=0))
    state.add_user_key(key("old", 1, validuntil=1))
    assert state.user_key("old") == key("old", 1, validuntil=1)
    state.add_user_key(key("new", 2, validuntil=1))
    assert [k.value for k in state.user_keys()] == ["new"]


# browser sessions


def test_a_session_ends_sessiontimeout_after_its_last_use(backend: Backend) -> None:
    clock = Clock()
    state = backend.runtime(now=clock, sessiontimeout=1000)
    state.save_session(Session("s", 5, "k"))
    clock.now = 1010  # used within Moodle's 20 s: its time does not move
    assert state.session("s") is not None
    clock.now = 1500  # used: the deadline moves to 2500
    found = state.session("s")
    assert found is not None and (found.timecreated, found.timemodified) == (1000, 1500)
    clock.now = 2500
    assert [s.sid for s in state.sessions_of_user(5)] == ["s"]
    clock.now = 2501
    assert state.session("s") is None
    assert state.sessions_of_user(5) == []


def test_a_first_visit_never_used_again_goes_after_three_minutes(backend: Backend) -> None:
    clock = Clock()
    state = backend.runtime(now=clock)
    state.save_session(Session("used", 0, "k"))
    state.save_session(Session("visit", 0, "k"))
    clock.now = 1030
    assert state.session("used") is not None  # used again: no longer a first visit
    clock.now = 1181
    assert state.session("visit") is None
    assert state.session("used") is not None


def test_sessions_are_capped_least_recently_used_first(backend: Backend) -> None:
    clock = Clock()
    state = backend.runtime(now=clock, limits=Limits(sessions=2))
    state.save_session(Session("a", 5, "k"))
    state.save_session(Session("b", 6, "k"))
    clock.now = 1030
    assert state.session("a") is not None  # used: now the newest
    state.save_session(Session("c", 7, "k"))
    assert state.session("b") is None
    assert state.sessions_of_user(6) == []
    assert [s.sid for s in state.sessions_of_user(5)] == ["a"]


# SENCE


def test_a_pending_login_lives_its_lifetime_on_the_tenant_clock(backend: Backend) -> None:
    clock = Clock()
    sence = backend.sence(now=clock, pending_login_lifetime=600)
    sence.add_attempt(attempt("a"))
    sence.add_attempt(attempt("b"))
    clock.now = 1600
    assert sence.take_attempt("a") == attempt("a")  # the last second still counts
    clock.now = 1601
    assert sence.attempt("b") is None
    sence.save_attempt(attempt("b"))  # gone: a save does not bring it back
    assert sence.take_attempt("b") is None


def test_pending_logins_are_capped_oldest_first(backend: Backend) -> None:
    sence = backend.sence(now=Clock(), limits=Limits(sence_pending=2))
    for ident in ("a", "b", "c"):
        sence.add_attempt(attempt(ident))
    assert [sence.attempt(i) is not None for i in ("a", "b", "c")] == [False, True, True]


def test_register_entries_expire_are_capped_and_ids_are_never_reused(backend: Backend) -> None:
    clock = Clock()
    sence = backend.sence(now=clock, limits=Limits(sence_register=3, sence_register_retention=100))
    for _ in range(4):
        sence.add_entry(entry(time=1000.0))
    assert [e.id for e in sence.entries()] == [2, 3, 4]
    clock.now = 1100
    sence.add_entry(entry(time=1100.0))
    assert [e.id for e in sence.entries()] == [3, 4, 5]
    clock.now = 1101
    assert [e.id for e in sence.entries()] == [5]
    assert sence.entry(3) is None


def test_a_sence_session_is_forgotten_a_retention_after_it_started(backend: Backend) -> None:
    clock = Clock(17e8)
    sence = backend.sence(now=clock, limits=Limits(sence_session_retention=100))
    assert sence.add_session(sence_session("S1")) is True  # started at 17e8
    assert sence.close_session("S1", 17e8 + 50) is True
    clock.now = 17e8 + 101
    assert sence.session("S1") is None
    assert sence.sessions() == []
    assert sence.close_session("S1", 17e8 + 102) is False
    again = replace(sence_session("S1"), started=17e8 + 101)
    assert sence.add_session(again) is True  # the id is free again; the new session starts open
    found = sence.session("S1")
    assert found is not None and found.is_open


def test_sence_sessions_are_capped_oldest_first(backend: Backend) -> None:
    sence = backend.sence(now=Clock(17e8), limits=Limits(sence_sessions=2))
    for sid in ("S1", "S2", "S3"):
        assert sence.add_session(sence_session(sid)) is True
    assert [s.IdSesionSence for s in sence.sessions()] == ["S2", "S3"]
    assert sence.close_session("S1", 17e8) is False


def test_gate_records_are_capped_oldest_first(backend: Backend) -> None:
    sence = backend.sence(now=Clock(), limits=Limits(gate_records=2))
    ids = [sence.add_gate_record(gate()).id for _ in range(3)]
    assert ids == [1, 2, 3]
    assert [r.id for r in sence.gate_records(7, 2)] == [2, 3]
    sence.add_gate_record(gate(8, 2))
    assert [r.id for r in sence.gate_records(7, 2)] == [3]


def test_a_sence_store_without_a_clock_expires_nothing_but_is_capped(backend: Backend) -> None:
    sence = backend.sence(limits=Limits(sence_register=2, sence_register_retention=1))
    for _ in range(3):
        sence.add_entry(entry(time=0.0))
    assert [e.id for e in sence.entries()] == [2, 3]
