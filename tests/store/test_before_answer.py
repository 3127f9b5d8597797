"""What a request wrote is stored before its answer leaves, although most writes wait for one
round trip (mockserver/stores/wire.py): the moment the head of the answer goes to the server,
another process already finds the journal entry, the session and the used-up key.
"""

from __future__ import annotations

import asyncio
import contextvars
from typing import Any

import pytest

from mockserver.stores.connect import Client, connect
from mockserver.stores.journal import RedisJournal
from mockserver.stores.wire import Line
from tests.admin.helpers import admin, journal, login_url
from tests.harness import ServerFactory, get_scope

LOGIN_PHP = "/auth/userkey/login.php"


def test_the_entry_session_and_take_are_stored_when_the_head_leaves(inprocess: ServerFactory, redis_url: str) -> None:
    h = inprocess(store_url=redis_url)
    key = login_url(h).rsplit("=", 1)[1]
    other = connect(redis_url)
    journal = RedisJournal(other, "mockserver:j:default", 1000)
    prefix = f"mockserver:g:default:{h.tenant.store.generation}:"  # type: ignore[attr-defined]
    seen: dict[str, Any] = {}

    def look() -> None:
        seen["journal"] = [(e.request.path, e.status) for e in journal.entries()]
        seen["key"] = other.hget(prefix + "k", key)
        seen["sessions"] = other.hlen(prefix + "s")

    async def receive() -> dict[str, Any]:
        return {"type": "http.request", "body": b"", "more_body": False}

    async def send(message: dict[str, Any]) -> None:
        if message["type"] == "http.response.start":
            seen["status"] = message["status"]
            contextvars.Context().run(look)  # as another process would, with nothing of this request

    asyncio.run(h.app(get_scope(LOGIN_PHP, f"key={key}".encode()), receive, send))
    assert seen["status"] == 303
    assert seen["journal"][-1] == (LOGIN_PHP, 303)
    assert seen["key"] is None and seen["sessions"] == 1


def test_a_faulted_answer_is_journaled_after_it_as_before(inprocess: ServerFactory, redis_url: str) -> None:
    h = inprocess(store_url=redis_url)
    fault = {"id": "down", "match": {"wsfunction": "auth_userkey_request_login_url"}, "status": 503}
    assert admin(h, "POST", "/tenants/default/faults", json=fault).status_code == 201
    assert h.rest("auth_userkey_request_login_url", **{"user[username]": "alumno1"}).status_code == 503
    [entry] = journal(h, wsfunction="auth_userkey_request_login_url")
    assert (entry["status"], entry["fault"], entry["outcome"]) == (503, "down", "fault")


def test_round_trips_of_the_two_hot_requests(
    inprocess: ServerFactory, redis_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """request_login_url: the key replaced, the journal entry. login.php: the key read, the one-step
    login, the journal entry (docs/stores.md "Cost")."""
    h = inprocess(store_url=redis_url)
    warm = login_url(h).rsplit("=", 1)[1]
    assert h.client.get(f"{LOGIN_PHP}?key={warm}").status_code == 303  # subscribed, scripts known to Redis
    h.client.cookies.clear()  # a browser with no session yet (an SSO hop's usual case)
    trips: list[str] = []
    exchange = Line._exchange

    def counted(self: Line, line: Any, packed: bytes, count: int = 1) -> list[Any]:
        trips.append(packed.split(b"\r\n")[2].decode())
        return exchange(self, line, packed, count)

    def no_redis_py(self: Client, *args: Any, **options: Any) -> Any:
        raise AssertionError(f"redis-py command on the hot path: {args[0]}")

    monkeypatch.setattr(Line, "_exchange", counted)
    monkeypatch.setattr(Client, "execute_command", no_redis_py)
    key = login_url(h).rsplit("=", 1)[1]
    assert trips == ["EVALSHA", "MULTI"]
    trips.clear()
    assert h.client.get(f"{LOGIN_PHP}?key={key}").status_code == 303
    assert trips == ["HGET", "EVALSHA", "MULTI"]
