"""How processes learn what the others changed: announced on a channel, read without a round trip.

Each ``inprocess`` harness is a separate app on one Redis (as two worker processes would be).
Counting the commands Redis processed shows what a request costs; the fence and the catch-up
after a lost subscription are shown on their own.
"""

from __future__ import annotations

import pytest
import redis

from mockserver.stores.connect import Client, connect
from mockserver.stores.site import SharedSite
from mockserver.stores.world import SharedWorldStore, WorldLog
from mockserver.world.entities import User
from tests.admin.helpers import admin, login_url, new_tenant
from tests.harness import Harness, ServerFactory

LOGIN_PHP = "/auth/userkey/login.php"


def commands(client: redis.Redis) -> int:
    """Commands Redis has processed so far (this INFO call itself included)."""
    stats: dict[str, int] = client.info("stats")
    return stats["total_commands_processed"]


def site(h: Harness) -> SharedSite:
    assert h.app.shared is not None
    return h.app.shared


def named(h: Harness, username: str) -> User:
    [found] = h.tenant.store.find_users("username", username)
    return found


def store(h: Harness) -> SharedWorldStore:
    found = h.tenant.store
    assert isinstance(found, SharedWorldStore)
    return found


def test_nothing_changed_costs_no_round_trip(inprocess: ServerFactory, redis_url: str) -> None:
    a, b = inprocess(store_url=redis_url), inprocess(store_url=redis_url)
    b.client.get("/login/index.php")  # subscribes
    probe = connect(redis_url)
    before = commands(probe)
    site(b).refresh(b.app.admin)
    site(b).refresh(b.app.admin)
    assert commands(probe) == before + 1  # only the second INFO
    login_url(a)  # a key replaced: nothing the others follow
    before = commands(probe)
    site(b).refresh(b.app.admin)
    assert commands(probe) == before + 1


def test_a_user_changed_elsewhere_arrives_with_its_state(
    inprocess: ServerFactory, redis_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    a, b = inprocess(store_url=redis_url), inprocess(store_url=redis_url)
    b.client.get("/login/index.php")
    key = login_url(a).rsplit("=", 1)[1]
    assert a.client.get(f"{LOGIN_PHP}?key={key}").status_code == 303  # alumno1's login times change
    logged = named(a, "alumno1")
    assert logged.currentlogin

    def no_reading(self: WorldLog) -> list[tuple[str, bytes | None]]:
        raise AssertionError("read the log instead of the message")

    monkeypatch.setattr(WorldLog, "changes", no_reading)
    site(b).refresh(b.app.admin)
    seen = named(b, "alumno1")
    assert (seen.currentlogin, seen.lastip) == (logged.currentlogin, logged.lastip)
    assert store(b).log is not None and store(a).log is not None
    assert store(b).log.seen == store(a).log.seen


def test_a_gap_in_the_versions_reads_the_log(inprocess: ServerFactory, redis_url: str) -> None:
    a, b = inprocess(store_url=redis_url), inprocess(store_url=redis_url)
    user = named(a, "alumno2")
    user.city = "Valdivia"
    a.tenant.store.save_user(user)
    user.city = "Osorno"
    a.tenant.store.save_user(user)
    shared = store(b)
    assert shared.log is not None and shared.log.seen == 0
    shared.receive(2, "u:0", b"not read")  # version 1 never came: the log has the latest state
    assert shared.log.seen == 2
    assert named(b, "alumno2").city == "Osorno"


def test_a_publish_is_followed_by_a_fence_before_the_answer(redis_url: str) -> None:
    client = connect(redis_url)
    log = WorldLog(client, "test:fence:", "test:channel")
    assert isinstance(client, Client) and not client.fence_pending
    log.publish("u:1", '{"id":1}')
    assert client.fence_pending
    client.pass_fence()  # a PING: every earlier message has been written to its subscribers
    assert not client.fence_pending
    log.publish("u:1", '{"id":1}')
    client.get("anything")  # any later reply is a fence too
    assert not client.fence_pending


def test_a_lost_subscription_catches_up(inprocess: ServerFactory, redis_url: str) -> None:
    a, b = inprocess(store_url=redis_url), inprocess(store_url=redis_url)
    b.client.get("/login/index.php")
    probe = connect(redis_url)
    assert probe.client_kill_filter(_type="pubsub") >= 1  # b's subscription (and earlier tests' apps')
    new_tenant(a, "acme")  # announced while b is not listening
    assert [t["name"] for t in admin(b, "GET", "/tenants").json()["tenants"]] == ["default", "acme"]
    assert b.client.get("/t/acme/login/index.php").status_code == 200
