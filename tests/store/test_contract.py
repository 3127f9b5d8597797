"""The store contract: every backend (memory, Redis) gives the same answers, with the same atomicity.

Races run on threads, each call a separate round trip for a shared backend; "exactly one" is
asserted exactly (never a timing).
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import TypeVar

from mockserver.sence.records import GateRecord, LoginAttempt, RegisterEntry, SenceSession
from mockserver.world.entities import Session, Token, UserKey
from tests.store.conftest import Backend

T = TypeVar("T")
RACERS = 16


def race(calls: int, fn: Callable[[int], T]) -> list[T]:
    """``fn(i)`` for ``calls`` values of i, from RACERS threads released together."""
    gate = threading.Barrier(RACERS)

    def worker(first: int) -> list[T]:
        gate.wait()
        return [fn(i) for i in range(first, calls, RACERS)]

    with ThreadPoolExecutor(RACERS) as pool:
        return [result for chunk in pool.map(worker, range(RACERS)) for result in chunk]


def key(value: str, userid: int = 7, created: int = 100, validuntil: int = 160) -> UserKey:
    return UserKey(value, userid, validuntil, None, created)


# login keys


def test_keys_round_trip_and_listing_order(backend: Backend) -> None:
    state = backend.runtime()
    assert state.user_key("nope") is None
    assert state.user_keys() == []
    state.add_user_key(UserKey("b", 9, 200, "10.0.0.1", 50))
    state.add_user_key(key("a2", created=120))
    state.add_user_key(key("a1", created=110))
    assert state.user_key("b") == UserKey("b", 9, 200, "10.0.0.1", 50)
    assert [k.value for k in state.user_keys()] == ["a1", "a2", "b"]


def test_replace_leaves_one_live_key_per_user(backend: Backend) -> None:
    state = backend.runtime()
    state.add_user_key(key("old1"))
    state.add_user_key(key("old2"))
    state.add_user_key(key("other", userid=8))
    state.replace_user_keys(key("new", created=130))
    assert state.user_key("old1") is None
    assert state.user_key("old2") is None
    assert state.user_key("new") == key("new", created=130)
    assert [k.value for k in state.user_keys()] == ["new", "other"]


def test_consume_takes_once_and_removes_the_users_keys(backend: Backend) -> None:
    state = backend.runtime()
    state.add_user_key(key("k1"))
    state.add_user_key(key("k2"))
    state.add_user_key(key("mine", userid=8))
    assert state.consume_user_key("k1") is True
    assert state.consume_user_key("k1") is False
    assert state.consume_user_key("k2") is False
    assert state.consume_user_key("unknown") is False
    assert [k.value for k in state.user_keys()] == ["mine"]


def test_a_value_that_looks_like_another_user_takes_its_own_users_keys(backend: Backend) -> None:
    state = backend.runtime()
    tricky = '"userid":8,'  # the Redis scripts read a record's userid without decoding its JSON
    state.add_user_key(key(tricky))
    state.add_user_key(key("k2"))
    state.add_user_key(key("mine", userid=8))
    assert state.consume_user_key(tricky) is True
    assert [k.value for k in state.user_keys()] == ["mine"]


def test_delete_user_keys(backend: Backend) -> None:
    state = backend.runtime()
    state.add_user_key(key("k1"))
    state.add_user_key(key("k2", userid=8))
    state.delete_user_keys(7)
    state.delete_user_keys(99)
    assert [k.value for k in state.user_keys()] == ["k2"]


def test_concurrent_consumers_of_one_key_exactly_one_wins(backend: Backend) -> None:
    state = backend.runtime()
    state.add_user_key(key("hot"))
    results = race(200, lambda _i: state.consume_user_key("hot"))
    assert results.count(True) == 1
    assert len(results) == 200
    assert state.user_keys() == []


def test_concurrent_replacements_leave_exactly_one_key(backend: Backend) -> None:
    state = backend.runtime()
    race(64, lambda i: state.replace_user_keys(key(f"k{i}", created=i)))
    live = state.user_keys()
    assert len(live) == 1
    assert state.consume_user_key(live[0].value) is True
    assert state.user_keys() == []


def test_consume_and_replace_racing_never_leave_two_keys(backend: Backend) -> None:
    state = backend.runtime()
    state.add_user_key(key("k-1"))

    def step(i: int) -> bool:
        if i % 2:
            return state.consume_user_key(f"k{i - 2}")
        state.replace_user_keys(key(f"k{i}", created=i))
        return False

    race(64, step)
    assert len(state.user_keys()) <= 1


# browser sessions


def test_sessions_round_trip(backend: Backend) -> None:
    state = backend.runtime()
    assert state.session("s1") is None
    first = Session("s1", 0, "abcdefghij", "", {"lang": "es", "block_sence": {"pending": [1, 2]}})
    state.save_session(first)
    assert state.session("s1") == first
    changed = Session("s1", 7, "abcdefghij", "https://x/", {"lang": "en"})
    state.save_session(changed)
    assert state.session("s1") == changed
    state.save_session(Session("s2", 7, "k"))
    state.save_session(Session("s3", 8, "k"))
    assert sorted(s.sid for s in state.sessions_of_user(7)) == ["s1", "s2"]
    state.delete_session("s1")
    state.delete_session("missing")
    assert state.session("s1") is None
    assert [s.sid for s in state.sessions_of_user(7)] == ["s2"]


def test_a_session_saved_again_moves_to_its_new_user(backend: Backend) -> None:
    state = backend.runtime()
    state.save_session(Session("s1", 7, "k"))
    state.save_session(Session("s1", 8, "k"))
    assert state.sessions_of_user(7) == []
    assert [s.sid for s in state.sessions_of_user(8)] == ["s1"]


# tokens


def test_tokens_round_trip(backend: Backend) -> None:
    state = backend.runtime()
    assert state.token("t") is None
    token = Token("t", 7, 1, None, "", 100, "p")
    state.add_token(token)
    state.add_token(Token("u", 8, 2, 500, "127.0.0.1", 101))
    assert state.token("t") == token
    assert sorted(t.token for t in state.tokens()) == ["t", "u"]
    state.delete_token("t")
    state.delete_token("missing")
    assert [t.token for t in state.tokens()] == ["u"]


# SENCE


def entry(**changes: object) -> RegisterEntry:
    fields: dict[str, object] = {
        "id": 0,
        "time": 1700000000.25,
        "action": "start",
        "environment": "rcetest",
        "RutOtec": "76000000-0",
        "CodSence": "1234567890",
        "CodigoCurso": "CUR-1",
        "LineaCapacitacion": "3",
        "RunAlumno": "11111111-1",
        "IdSesionAlumno": "alumno-ñ",
    }
    fields.update(changes)
    return RegisterEntry(**fields)  # type: ignore[arg-type]


def sence_session(sid: str = "S1") -> SenceSession:
    return SenceSession(sid, "rcetest", "76000000-0", "1234567890", "CUR-1", 3, "1-9", "a", "https://x/", 17e8, "")


def test_register_entries(backend: Backend) -> None:
    sence = backend.sence()
    first = sence.add_entry(entry())
    second = sence.add_entry(entry(action="close"))
    assert (first.id, second.id) == (1, 2)
    assert sence.entry(1) == entry(id=1)
    assert sence.entry(3) is None
    first.result = "success"
    first.completed = 1700000001.5
    sence.save_entry(first)
    assert sence.entry(1) == first
    assert [e.id for e in sence.entries()] == [1, 2]


def test_register_ids_are_unique_under_concurrency(backend: Backend) -> None:
    sence = backend.sence()
    ids = race(100, lambda _i: sence.add_entry(entry()).id)
    assert sorted(ids) == list(range(1, 101))


def test_sence_sessions_open_once_and_close_once(backend: Backend) -> None:
    sence = backend.sence()
    assert sence.session("S1") is None
    assert sence.add_session(sence_session()) is True
    assert sence.add_session(sence_session()) is False
    assert sence.session("S1") == sence_session()
    assert sence.close_session("S1", 1700000100.5) is True
    assert sence.close_session("S1", 1700000200.0) is False
    assert sence.close_session("S2", 1.0) is False
    closed = sence.session("S1")
    assert closed is not None and closed.closed == 1700000100.5 and not closed.is_open
    assert [s.IdSesionSence for s in sence.sessions()] == ["S1"]


def test_concurrent_opens_and_closes_of_one_session(backend: Backend) -> None:
    sence = backend.sence()
    assert race(50, lambda _i: sence.add_session(sence_session("S9"))).count(True) == 1
    assert race(50, lambda i: sence.close_session("S9", float(i))).count(True) == 1


def test_login_attempts_are_taken_once(backend: Backend) -> None:
    sence = backend.sence()
    attempt = LoginAttempt("a1", "start", "rce", {"RunAlumno": "1-9"}, 1, 1700000000.0, [201], [], "none", 0)
    assert sence.attempt("a1") is None
    sence.save_attempt(attempt)  # not added yet: ignored
    assert sence.attempt("a1") is None
    sence.add_attempt(attempt)
    assert sence.attempt("a1") == attempt
    attempt.failures = 2
    sence.save_attempt(attempt)
    assert sence.attempt("a1") == attempt
    assert race(50, lambda _i: sence.take_attempt("a1")).count(attempt) == 1
    assert sence.attempt("a1") is None
    assert sence.take_attempt("a1") is None


def test_copies_go_in_and_out(backend: Backend) -> None:
    sence = backend.sence()
    attempt = LoginAttempt("a1", "start", "rce", {"k": "v"}, 1, 1.0)
    sence.add_attempt(attempt)
    attempt.fields["k"] = "changed"
    got = sence.attempt("a1")
    assert got is not None and got.fields == {"k": "v"}
    got.fields["k"] = "again"
    assert sence.attempt("a1") == LoginAttempt("a1", "start", "rce", {"k": "v"}, 1, 1.0)


def test_rule_counters(backend: Backend) -> None:
    sence = backend.sence()
    assert [sence.bump_rule(0) for _ in range(3)] == [0, 1, 2]
    assert sence.bump_rule(4) == 0
    assert sorted(race(100, lambda _i: sence.bump_rule(1))) == list(range(100))


def test_gate_records(backend: Backend) -> None:
    sence = backend.sence()
    record = GateRecord(0, 7, 3, "1234567890", "CUR", "3", "1-9", "a", "S1", "2024-01-01", "America/Santiago", 100)
    first = sence.add_gate_record(record)
    second = sence.add_gate_record(GateRecord(0, 7, 4, "c", "c", "3", "r", "a", "S2", "", "", 101))
    assert (first.id, second.id) == (1, 2)
    first.timeclosed = 200
    sence.save_gate_record(first)
    assert sence.gate_records(7, 3) == [first]
    assert [r.IdSesionSence for r in sence.gate_records(7, 4)] == ["S2"]
    assert sence.gate_records(8, 3) == []
    assert sence.all_gate_records() == [first, second]  # by id (the admin world view's table)
