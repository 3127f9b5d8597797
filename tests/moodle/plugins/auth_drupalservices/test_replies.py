"""Whatever Drupal answers, Moodle answers as the plugin does and never with a 500.

A scripted Drupal (an ASGI app answering each call with a programmed status, type and body) sits
behind the plugin's HTTP client in-process.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import httpx
import pytest
from starlette.types import Receive, Scope, Send

from mockserver.app import MockServerApp
from mockserver.moodle.plugins.auth_drupalservices.cookies import cookie_name
from tests.drupal.helpers import SCENARIO
from tests.harness import InProcessClient, build_app

DRUPAL = "http://drupal.test"
JSON = "application/json"
Answer = tuple[int, str, bytes]


def _json(value: Any) -> Answer:
    return 200, JSON, json.dumps(value).encode()


class ScriptedDrupal:
    """Answers by path: ``/moodlesso/system/connect``, ``/moodlesso/user/1001``, ``/system/connect`` ..."""

    def __init__(self, answers: dict[str, Answer]) -> None:
        self.answers = answers
        self.seen: list[tuple[str, str, dict[str, str]]] = []

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            return
        headers = {k.decode("latin-1"): v.decode("latin-1") for k, v in scope["headers"]}
        self.seen.append((scope["method"], scope["path"], headers))
        default: Answer = _json({"token": "tok"}) if scope["path"].endswith("token") else (404, "text/html", b"")
        status, kind, body = self.answers.get(scope["path"], default)
        await send({"type": "http.response.start", "status": status, "headers": [(b"content-type", kind.encode())]})
        await send({"type": "http.response.body", "body": body})


@pytest.fixture
def moodle() -> Iterator[Any]:
    clients: list[InProcessClient] = []

    def make(answers: dict[str, Answer], version: int = 7) -> tuple[InProcessClient, MockServerApp, ScriptedDrupal]:
        overrides = {"plugins": {"auth_drupalservices": {"host_uri": DRUPAL, "drupalversion": version}}}
        app = build_app(SCENARIO, overrides)
        drupal = ScriptedDrupal(answers)
        app.starlette.state.http_mounts = {DRUPAL: httpx.ASGITransport(app=drupal)}
        client = InProcessClient(app, "http://testserver")
        client.cookies.set(cookie_name(DRUPAL, "127.0.0.1"), "sid-1")
        clients.append(client)
        return client, app, drupal

    yield make
    for client in clients:
        client.close()


D7_WHO = {"sessid": "sid-1", "session_name": "x", "user": {"uid": "1001", "name": "ana"}}
D7_ANA = {
    "uid": "1001",
    "name": "ana",
    "mail": "a@example.com",
    "status": "1",
    "field_first_name": {"und": [{"value": "Ana"}]},
}


def test_headers_sent_to_drupal_7(moodle: Any) -> None:
    client, app, drupal = moodle({"/moodlesso/system/connect": _json(D7_WHO), "/moodlesso/user/1001": _json(D7_ANA)})
    assert client.get("/login/index.php").status_code == 303
    (m1, p1, h1), (m2, p2, h2), (m3, p3, h3) = drupal.seen
    name = cookie_name(DRUPAL, "127.0.0.1")
    assert (m1, p1, h1["accept"], h1["cookie"]) == ("POST", "/moodlesso/user/token", "*/*", f"{name}=sid-1")
    assert "x-csrf-token" not in h1
    assert (m2, p2, h2["x-csrf-token"], h2["cookie"]) == ("POST", "/moodlesso/system/connect", "tok", f"{name}=sid-1")
    assert h2["content-type"] == "application/x-www-form-urlencoded" and h2["content-length"] == "0"
    assert (m3, p3, h3["cookie"]) == ("GET", "/moodlesso/user/1001", f"{name}=sid-1")
    assert h3["accept"].startswith("application/json, application/vnd.php.serialized")
    assert "x-csrf-token" not in h3
    ana = app.tenants.default.store.find_users("idnumber", "1001")[0]
    assert (ana.username, ana.firstname, ana.lastname, ana.email) == ("ana", "Ana", "", "a@example.com")


def test_headers_sent_to_drupal_8(moodle: Any) -> None:
    entity = [{"uid": [{"value": 1001}], "name": [{"value": "ana"}], "status": [{"value": True}]}]
    client, app, drupal = moodle({"/session/token": (200, "text/plain", b"d8tok"), "/system/connect": _json(entity)}, 8)
    assert client.get("/login/index.php").status_code == 303
    (m1, p1, h1), (m2, p2, h2) = drupal.seen
    assert (m1, p1, h1["accept"]) == ("GET", "/session/token", h2["accept"])
    assert (m2, p2) == ("GET", "/system/connect")
    assert "x-csrf-token" not in h2  # GET requests carry no CSRF header (GetCurlGetOptions)
    assert app.tenants.default.store.find_users("idnumber", "1001")[0].username == "ana"


WEIRD_CONNECT: list[Answer] = [
    _json([]),
    _json("text"),
    _json(None),
    _json({"user": []}),
    _json({"user": {"uid": {"a": 1}, "name": "x"}}),
    _json({"user": {"uid": 0}}),
    _json({"user": {"uid": "-5"}}),
    _json({"user": {"uid": 1e300}}),
    (200, "application/json; charset=utf-8", json.dumps(D7_WHO).encode()),  # not exactly application/json
    (200, JSON, b"\xff\xfe{"),
    (200, JSON, b"[" * 100000 + b"]" * 100000),
    (200, JSON, b""),
    (500, JSON, json.dumps(D7_WHO).encode()),
    (302, "text/html", b""),
    (406, JSON, json.dumps(["Not acceptable"]).encode()),
]


WRITE_ERRORS = (4, 7)
"""uid an object ('Array') or 1e300: not below 1, so user/<uid> is asked; no account: a write error."""


@pytest.mark.parametrize("index", range(len(WEIRD_CONNECT)))
def test_weird_connect_answers_d7(moodle: Any, index: int) -> None:
    client, app, _ = moodle({"/moodlesso/system/connect": WEIRD_CONNECT[index], "/moodlesso/user/1001": _json(D7_ANA)})
    response = client.get("/login/index.php")
    if index in WRITE_ERRORS:
        assert response.status_code == 404 and "Error writing to database" in response.text
    else:
        assert response.status_code == 200 and 'name="password"' in response.text
    assert app.tenants.default.store.find_users("idnumber", "1001") == []


@pytest.mark.parametrize(
    "full",
    [_json([]), _json({"name": None}), _json({"uid": "1001"}), (200, JSON, b"{"), (401, JSON, b'["Access denied"]')],
)
def test_unusable_full_account_is_a_write_error(moodle: Any, full: Answer) -> None:
    client, app, _ = moodle({"/moodlesso/system/connect": _json(D7_WHO), "/moodlesso/user/1001": full})
    response = client.get("/login/index.php")
    assert response.status_code == 404 and "Error writing to database" in response.text
    assert app.tenants.default.store.find_users("idnumber", "1001") == []


def test_other_uid_in_full_account(moodle: Any) -> None:
    """The account says uid 7 while who-am-I said 1001: the user is stored as 7, and the login by 1001
    finds nobody (complete_user_login(false))."""
    client, app, _ = moodle(
        {"/moodlesso/system/connect": _json(D7_WHO), "/moodlesso/user/1001": _json({**D7_ANA, "uid": "7"})}
    )
    response = client.get("/login/index.php")
    assert response.status_code == 404
    assert app.tenants.default.store.find_users("idnumber", "7")[0].username == "ana"


@pytest.mark.parametrize(
    "answer",
    [
        _json({"uid": [{"value": 1}]}),
        _json([[]]),
        _json(["x"]),
        _json([{"uid": "1001"}]),
        _json([{"uid": [{"value": {"x": 1}}]}]),
    ],
)
def test_weird_connect_answers_d8(moodle: Any, answer: Answer) -> None:
    """No uid, or an entity without a name: the form, or a write error (the uid an object)."""
    client, _, _ = moodle({"/system/connect": answer}, 8)
    response = client.get("/login/index.php")
    if b'{"x": 1}' in answer[2]:
        assert response.status_code == 404 and "Error writing to database" in response.text
    else:
        assert response.status_code == 200 and 'name="password"' in response.text
