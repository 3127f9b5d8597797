"""Bounded by design (issue 9 part 2): every runtime table expires on the tenant clock and is capped.

Time only moves through the admin API (or a fake clock for the helper itself), so every outcome
is exact.
"""

from __future__ import annotations

from typing import Any

import httpx

from mockserver.world.bounded import SWEEP_EVERY_MIN, BoundedMap
from tests.admin.helpers import admin
from tests.harness import ServerFactory

START = 1767225600  # 2026-01-01 00:00:00 UTC
FROZEN = {"clock": {"start": "2026-01-01T00:00:00Z", "frozen": True}}


def world(**overrides: Any) -> dict[str, Any]:
    merged: dict[str, Any] = dict(FROZEN)
    merged.update(overrides)
    return merged


def advance(h: Any, seconds: int) -> None:
    response = admin(h, "POST", "/tenants/default/clock/advance", json={"seconds": seconds})
    assert response.status_code == 200, response.text


def logged_in_page(h: Any) -> httpx.Response:
    return h.client.get("/my/")


def is_logged_in(h: Any) -> bool:
    response = logged_in_page(h)
    if response.status_code == 200:
        return True
    assert response.status_code == 303, response.text
    assert response.headers["location"].endswith("/login/index.php")
    return False


def password_login(h: Any, username: str = "alumno1", password: str = "Alumno1234!") -> None:
    response = h.client.post("/login/index.php", data={"username": username, "password": password})
    assert response.status_code == 303, response.text


def key_of(url: str) -> str:
    return url.rsplit("=", 1)[1]


# -- the helper --------------------------------------------------------------------------------


class FakeClock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def test_an_item_lives_until_its_deadline_second_included() -> None:
    clock = FakeClock()
    table: BoundedMap[str, int] = BoundedMap(10, clock)
    table.put("a", 1, 1010)
    clock.now = 1010
    assert table.get("a") == 1
    clock.now = 1010.5
    assert table.get("a") is None
    assert len(table) == 0
    assert table.stats() == {"held": 0, "cap": 10, "expired": 1, "evicted": 0}


def test_past_the_cap_the_oldest_write_goes_first() -> None:
    clock = FakeClock()
    dropped: list[str] = []
    table: BoundedMap[str, int] = BoundedMap(3, clock, lambda key, _: dropped.append(key))
    for key in "abc":
        table.put(key, 0, None)
    table.put("a", 1, None)  # written again: now the newest
    table.put("d", 0, None)
    assert list(table) == ["c", "a", "d"]
    assert dropped == ["b"]
    assert table.stats()["evicted"] == 1


def test_expired_items_are_swept_by_writes_without_being_read() -> None:
    clock = FakeClock()
    table: BoundedMap[int, int] = BoundedMap(10_000, clock)
    for i in range(100):
        table.put(i, i, 1001)
    clock.now = 2000
    writes = 2 * (100 + SWEEP_EVERY_MIN)  # enough for a sweep whatever the counter was
    for i in range(100, 100 + writes):
        table.put(i, i, None)
    assert len(table) == writes  # only the live items are held
    assert table.stats()["expired"] == 100


def test_pop_and_values_ignore_expired_items() -> None:
    clock = FakeClock()
    table: BoundedMap[str, int] = BoundedMap(10, clock)
    table.put("old", 1, 1001)
    table.put("new", 2, None)
    clock.now = 1002
    assert table.values() == [2]
    assert table.pop("old") is None
    assert table.pop("new") == 2
    assert len(table) == 0


# -- browser sessions: Moodle's sessiontimeout and session gc --------------------------------------


def test_a_session_ends_sessiontimeout_after_its_last_use(server: ServerFactory) -> None:
    h = server(overrides=world(moodle={"sessiontimeout": 3600}))
    password_login(h)
    advance(h, 3600)
    assert is_logged_in(h)  # the last second is still in (Moodle: timemodified < now - timeout)
    advance(h, 3601)
    assert not is_logged_in(h)


def test_the_default_sessiontimeout_is_eight_hours(server: ServerFactory) -> None:
    h = server(overrides=world())
    password_login(h)
    advance(h, 8 * 3600)
    assert is_logged_in(h)
    advance(h, 8 * 3600 + 1)
    assert not is_logged_in(h)


def test_using_a_session_keeps_it_alive(server: ServerFactory) -> None:
    h = server(overrides=world(moodle={"sessiontimeout": 3600}))
    password_login(h)
    for _ in range(5):
        advance(h, 3000)
        assert is_logged_in(h)
    assert h.tenant.clock.time() == START + 5 * 3000


def test_an_expired_session_needs_a_new_login_and_keeps_nothing(server: ServerFactory) -> None:
    h = server(overrides=world(moodle={"sessiontimeout": 3600}))
    password_login(h)
    advance(h, 3601)
    bounce = h.client.get("/course/view.php?id=2")
    assert bounce.status_code == 303
    assert bounce.headers["location"].endswith("/login/index.php")
    password_login(h)
    assert h.client.get("/my/").status_code == 200


def test_a_first_visit_never_used_again_is_dropped_after_three_minutes(server: ServerFactory) -> None:
    h = server(overrides=world())
    first = h.client.get("/course/view.php?id=2")  # remembers wantsurl in a new session
    assert first.status_code == 303
    advance(h, 181)
    response = h.client.post("/login/index.php", data={"username": "alumno1", "password": "Alumno1234!"})
    assert response.headers["location"].endswith("/my/")  # the wantsurl went with the session


def test_a_first_visit_within_three_minutes_keeps_its_wantsurl(server: ServerFactory) -> None:
    h = server(overrides=world())
    h.client.get("/course/view.php?id=2")
    advance(h, 180)
    response = h.client.post("/login/index.php", data={"username": "alumno1", "password": "Alumno1234!"})
    assert response.headers["location"].endswith("/course/view.php?id=2")


def test_sessions_are_capped_least_recently_used_first(server: ServerFactory) -> None:
    h = server(overrides=world(limits={"sessions": 3}))
    password_login(h)
    mine = dict(h.client.cookies)
    for _ in range(2):
        h.client.cookies.clear()
        h.client.get("/login/index.php")  # another browser's session
    h.client.cookies.clear()
    h.client.cookies.update(mine)
    assert is_logged_in(h)  # 3 sessions: still here
    for _ in range(3):
        h.client.cookies.clear()
        h.client.get("/login/index.php")
    h.client.cookies.clear()
    h.client.cookies.update(mine)
    assert not is_logged_in(h)
    assert len(h.tenant.store.runtime._sessions) <= 3  # type: ignore[attr-defined]


def test_cookie_less_traffic_does_not_grow_the_session_table(server: ServerFactory) -> None:
    h = server(overrides=world(limits={"sessions": 50}))
    for _ in range(200):
        h.client.cookies.clear()
        assert h.client.get("/").status_code == 200
    assert len(h.tenant.store.runtime._sessions) == 50  # type: ignore[attr-defined]


# -- auth_userkey keys ------------------------------------------------------------------------------


def test_an_expired_key_answers_expired_then_is_forgotten_after_the_retention(server: ServerFactory) -> None:
    h = server(overrides=world(limits={"expired_key_retention": 600}))
    key = key_of(h.login_url())
    advance(h, 61)
    assert "Expired key" in h.client.get(f"/auth/userkey/login.php?key={key}").text
    advance(h, 599)  # validuntil + 600: still remembered
    assert "Expired key" in h.client.get(f"/auth/userkey/login.php?key={key}").text
    advance(h, 1)
    assert "Incorrect key" in h.client.get(f"/auth/userkey/login.php?key={key}").text
    assert h.tenant.store.user_keys() == []


def test_login_keys_are_capped_oldest_first(server: ServerFactory) -> None:
    h = server(overrides=world(limits={"userkeys": 2}))
    first = key_of(h.login_url("alumno1"))
    second = key_of(h.login_url("alumno2"))
    third = key_of(h.login_url("docente1"))
    assert sorted(k.value for k in h.tenant.store.user_keys()) == sorted([second, third])
    assert "Incorrect key" in h.client.get(f"/auth/userkey/login.php?key={first}").text
    response = h.client.get(f"/auth/userkey/login.php?key={third}")
    assert response.status_code == 303


def test_a_new_key_for_the_same_user_replaces_the_old_one_without_growing(server: ServerFactory) -> None:
    h = server(overrides=world())
    for _ in range(20):
        h.login_url("alumno1")
    assert len(h.tenant.store.user_keys()) == 1
