"""login.php's one step (``Store.login_with_key``): the key taken, then the user's login times and
the new session written, only by the request that took it — on memory and on Redis (one script)."""

from __future__ import annotations

import copy
import threading

import pytest

from mockserver.world.entities import Session, User
from mockserver.world.store import Store
from tests.admin.helpers import login_url
from tests.harness import Harness, ServerFactory


@pytest.fixture(params=["memory", "redis"])
def two(request: pytest.FixtureRequest, inprocess: ServerFactory) -> tuple[Harness, Harness]:
    """Two servers of one site (on memory: the same server twice)."""
    if request.param == "memory":
        h = inprocess()
        return h, h
    url: str = request.getfixturevalue("redis_url")
    return inprocess(store_url=url), inprocess(store_url=url)


def alumno(store: Store) -> User:
    [found] = store.find_users("username", "alumno1")
    return found


def logged_in(user: User, at: int) -> tuple[User, Session]:
    updated = copy.copy(user)
    updated.lastlogin, updated.currentlogin, updated.lastip = user.currentlogin, at, "10.1.2.3"
    return updated, Session(sid=f"sid{at}", userid=user.id, sesskey="k", data={"auth_userkey": {"userkey": True}})


def catch_up(h: Harness) -> None:
    if h.app.shared is not None:
        h.app.shared.refresh(h.app.admin)


def test_taken_once_and_only_the_taker_writes(two: tuple[Harness, Harness]) -> None:
    a, b = two
    key = login_url(a).rsplit("=", 1)[1]
    user = alumno(a.tenant.store)
    first, session = logged_in(user, 1_700_000_001)
    assert a.tenant.store.login_with_key(key, first, session) is True
    catch_up(b)
    assert b.tenant.store.user_key(key) is None
    seen = alumno(b.tenant.store)
    assert (seen.currentlogin, seen.lastip) == (1_700_000_001, "10.1.2.3")
    stored = b.tenant.store.session("sid1700000001")
    assert stored is not None and stored.userid == user.id and stored.data == {"auth_userkey": {"userkey": True}}
    again, other = logged_in(seen, 1_700_000_002)
    assert b.tenant.store.login_with_key(key, again, other) is False
    catch_up(a)
    assert alumno(a.tenant.store).currentlogin == 1_700_000_001  # nothing written by the loser
    assert a.tenant.store.session("sid1700000002") is None
    assert [s.sid for s in a.tenant.store.sessions_of_user(user.id)] == ["sid1700000001"]


def test_concurrent_logins_with_one_key_write_one_session(two: tuple[Harness, Harness]) -> None:
    a, b = two
    key = login_url(a).rsplit("=", 1)[1]
    user = alumno(a.tenant.store)
    results: list[bool] = []
    lock = threading.Lock()
    start = threading.Barrier(16)

    def attempt(n: int) -> None:
        store = (a if n % 2 else b).tenant.store
        updated, session = logged_in(user, 1_700_000_100 + n)
        start.wait()
        taken = store.login_with_key(key, updated, session)
        with lock:
            results.append(taken)

    threads = [threading.Thread(target=attempt, args=(n,)) for n in range(16)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(results) == [False] * 15 + [True]
    catch_up(a)
    assert len(a.tenant.store.sessions_of_user(user.id)) == 1
