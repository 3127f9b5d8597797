"""The fake Drupal site alone: login page and cookie, Drupal 7 Services calls, Drupal 8+ routes, outcomes."""

from __future__ import annotations

import hashlib
import json

import httpx
import pytest

from tests.drupal.helpers import ANA, WorldFactory

D7 = "/moodlesso"


def _sid(response: httpx.Response, name: str) -> str:
    cookie = response.headers["set-cookie"]
    assert cookie.startswith(f"{name}="), cookie
    return cookie.split(";", 1)[0].split("=", 1)[1]


def test_cookie_name_follows_the_cookie_domain(world: WorldFactory) -> None:
    w = world()
    assert w.cookie_name == "SESS" + hashlib.sha256(b"127.0.0.1").hexdigest()[:32]
    response = w.drupal_login()
    assert response.status_code == 302
    cookie = response.headers["set-cookie"]
    assert cookie.startswith(w.cookie_name + "=")
    assert "; path=/" in cookie and "HttpOnly" in cookie
    assert "domain=" not in cookie  # an IP address gets a host-only cookie (Drupal 7 rule)
    assert response.headers["location"] == f"{w.drupal_url}/"


def test_parent_domain_cookie_and_secure_prefix(world: WorldFactory) -> None:
    w = world(overrides={"drupal": {"cookie_domain": ".example.test", "https": True}})
    response = w.drupal_login()
    name = "SSESS" + hashlib.sha256(b".example.test").hexdigest()[:32]
    cookie = response.headers["set-cookie"]
    assert cookie.startswith(name + "=")
    assert "; domain=example.test" in cookie or "; domain=.example.test" in cookie
    assert "; secure" in cookie


def test_session_name_without_cookie_domain_is_the_base_url(world: WorldFactory) -> None:
    w = world(overrides={"drupal": {"cookie_domain": None}})
    base = w.drupal_url.split("://", 1)[1]
    response = w.drupal_login()
    assert response.headers["set-cookie"].startswith("SESS" + hashlib.sha256(base.encode()).hexdigest()[:32] + "=")


def test_login_page_and_wrong_password(world: WorldFactory) -> None:
    w = world()
    page = w.drupal.get("/user/login", params={"moodle_url": "true", "destination": "login/index.php"})
    assert page.status_code == 200
    assert 'name="name"' in page.text and 'name="pass"' in page.text
    assert "/user/login?moodle_url=true&amp;destination=login%2Findex.php" in page.text
    bad = w.drupal_login(password="nope")
    assert bad.status_code == 200
    assert "Sorry, unrecognized username or password." in bad.text
    assert "set-cookie" not in bad.headers


def test_login_returns_to_moodle(world: WorldFactory) -> None:
    w = world()
    response = w.drupal_login(moodle_url="true", destination="course/view.php?id=2")
    assert response.status_code == 302
    assert response.headers["location"] == f"{w.moodle_url}/course/view.php?id=2"
    cannod = world().drupal_login(moodleurl="http://moodle.example/login/index.php")
    assert cannod.headers["location"] == "http://moodle.example/login/index.php"


def test_d7_token_connect_user(world: WorldFactory) -> None:
    w = world()
    sid = _sid(w.drupal_login(), w.cookie_name)
    cookie = {"Cookie": f"{w.cookie_name}={sid}"}
    token = w.drupal.post(f"{D7}/user/token", headers=cookie)
    assert token.status_code == 200
    assert token.headers["content-type"] == "application/json"
    csrf = token.json()["token"]
    assert len(csrf) == 43
    connect = w.drupal.post(f"{D7}/system/connect", headers={**cookie, "X-CSRF-Token": csrf})
    assert connect.status_code == 200
    body = connect.json()
    assert body["sessid"] == sid
    assert body["session_name"] == w.cookie_name
    assert body["user"]["uid"] == "1001" and body["user"]["name"] == "ana"
    full = w.drupal.get(f"{D7}/user/1001", headers=cookie)
    assert full.status_code == 200
    user = full.json()
    assert user["mail"] == "ana.perez@example.com"
    assert user["status"] == "1"
    assert user["field_first_name"] == {"und": [{"value": "Ana", "format": None, "safe_value": "Ana"}]}
    assert user["field_last_name"]["und"][0]["value"] == "Pérez"
    assert "Pérez".encode() in full.content  # UTF-8 as is, like drupal_json_encode


def test_d7_connect_without_csrf_and_anonymous(world: WorldFactory) -> None:
    w = world()
    sid = _sid(w.drupal_login(), w.cookie_name)
    refused = w.drupal.post(f"{D7}/system/connect", headers={"Cookie": f"{w.cookie_name}={sid}", "X-CSRF-Token": ""})
    assert refused.status_code == 401
    assert refused.json() == ["CSRF validation failed"]
    anonymous = w.drupal.post(f"{D7}/system/connect", headers={"Cookie": f"{w.cookie_name}=not-a-session"})
    assert anonymous.status_code == 200
    assert anonymous.json()["user"]["uid"] == 0
    assert anonymous.json()["user"]["roles"] == {"1": "anonymous user"}


def test_d7_user_access_rules(world: WorldFactory) -> None:
    w = world()
    assert w.drupal.get(f"{D7}/user/1001").json() == ["Access denied for user anonymous"]
    assert w.drupal.get(f"{D7}/user/1001").status_code == 401
    missing = w.drupal.get(f"{D7}/user/42")
    assert (missing.status_code, missing.json()) == (404, ["There is no user with ID 42."])
    assert w.drupal.get(f"{D7}/user/x%00y").status_code == 404


def test_d7_service_login_and_logout(world: WorldFactory) -> None:
    w = world()
    bad = w.drupal.post(f"{D7}/user/login", data={"username": "ana", "password": "x"})
    assert (bad.status_code, bad.json()) == (401, ["Wrong username or password."])
    ok = w.drupal.post(f"{D7}/user/login", data={"username": "ana", "password": ANA[1], "name": "ana", "pass": ANA[1]})
    assert ok.status_code == 200
    body = ok.json()
    assert body["session_name"] == w.cookie_name and body["user"]["name"] == "ana"
    cookie = {"Cookie": f"{body['session_name']}={body['sessid']}"}
    again = w.drupal.post(f"{D7}/user/login", data={"username": "ana", "password": ANA[1]}, headers=cookie)
    assert (again.status_code, again.json()) == (406, ["Already logged in as ana."])
    no_csrf = w.drupal.post(f"{D7}/user/logout", headers=cookie)
    assert no_csrf.status_code == 401
    out = w.drupal.post(f"{D7}/user/logout", headers={**cookie, "X-CSRF-Token": body["token"]})
    assert (out.status_code, out.json()) == (200, [True])
    gone = w.drupal.post(f"{D7}/user/logout", headers=cookie)
    assert (gone.status_code, gone.json()) == (406, ["User is not logged in."])


def test_d7_settings_and_index(world: WorldFactory) -> None:
    w = world()
    settings = w.drupal.get(D7)
    assert settings.json() == {"cookiedomain": "127.0.0.1", "moodle_url": w.moodle_url}
    assert w.drupal.get(f"{D7}/moodlesso").json() == settings.json()
    assert w.drupal.get(f"{D7}/user", params={"vid": "0,page=0,pagesize=10"}).status_code == 401


def test_d8_routes(world: WorldFactory) -> None:
    w = world(overrides={"drupal": {"version": 8}})
    bad = w.drupal.post("/user/login?_format=json", json={"name": "ana", "pass": "no"})
    assert (bad.status_code, bad.json()) == (400, {"message": "Sorry, unrecognized username or password."})
    missing = w.drupal.post("/user/login?_format=json", content=b"{", headers={"Content-Type": "application/json"})
    assert (missing.status_code, missing.json()) == (400, {"message": "Missing credentials."})
    ok = w.drupal.post("/user/login?_format=json", json={"name": "ana", "pass": ANA[1]})
    assert ok.status_code == 200
    body = ok.json()
    assert body["current_user"] == {"uid": "1001", "roles": ["authenticated"], "name": "ana"}
    sid = _sid(ok, w.cookie_name)
    cookie = {"Cookie": f"{w.cookie_name}={sid}"}
    token = w.drupal.get("/session/token?_format=json", headers=cookie)
    assert token.headers["content-type"].startswith("text/plain")
    assert token.text == body["csrf_token"]
    connect = w.drupal.get("/system/connect?_format=json", headers={**cookie, "X-CSRF-Token": token.text})
    entity = connect.json()[0]
    assert entity["uid"] == [{"value": 1001}]
    assert entity["name"] == [{"value": "ana"}]
    assert entity["field_last_name"] == [{"value": "Pérez"}]
    assert entity["created"][0]["format"] == "Y-m-d\\TH:i:sP"
    assert w.drupal.get("/system/connect", headers=cookie).status_code == 406
    wrong = w.drupal.post("/user/logout?_format=json&token=x", headers=cookie)
    assert wrong.status_code == 403
    out = w.drupal.post(f"/user/logout?_format=json&token={body['logout_token']}", headers=cookie)
    assert out.status_code == 204
    assert w.drupal.get("/system/connect?_format=json", headers=cookie).json()[0]["uid"] == [{"value": 0}]


def test_rename_in_drupal(world: WorldFactory) -> None:
    w = world()
    sid = _sid(w.drupal_login(), w.cookie_name)
    cookie = {"Cookie": f"{w.cookie_name}={sid}"}
    form = w.drupal.get("/user/1001/edit", headers=cookie)
    assert form.status_code == 200
    token = form.text.split('name="form_token" value="', 1)[1].split('"', 1)[0]
    saved = w.drupal.post(
        "/user/1001/edit", headers=cookie, data={"form_token": token, "name": "ana.p", "field_last_name": "Pérez Soto"}
    )
    assert "The changes have been saved." in saved.text
    user = w.drupal.get(f"{D7}/user/1001", headers=cookie).json()
    assert user["name"] == "ana.p"
    assert user["field_last_name"]["und"][0]["value"] == "Pérez Soto"
    w.drupal.cookies.clear()
    assert w.drupal.get("/user/1001/edit").status_code == 403


@pytest.mark.parametrize(
    ("outcome", "status", "body"),
    [("forbidden", 403, '["Access denied"]'), ("malformed", 200, '{"sessid":"')],
)
def test_scripted_answers(world: WorldFactory, outcome: str, status: int, body: str) -> None:
    w = world(overrides={"drupal": {"outcomes": [{"call": "connect", "outcome": outcome, "times": 1}]}})
    first = w.drupal.post(f"{D7}/system/connect")
    assert (first.status_code, first.text) == (status, body)
    if outcome == "malformed":
        with pytest.raises(json.JSONDecodeError):
            first.json()
    second = w.drupal.post(f"{D7}/system/connect")
    assert second.status_code == 200 and second.json()["user"]["uid"] == 0
    assert w.drupal.post(f"{D7}/user/token").status_code == 200  # other calls untouched


def test_scripted_down_closes_the_connection(world: WorldFactory) -> None:
    w = world(overrides={"drupal": {"outcomes": [{"call": "any", "outcome": "down"}]}})
    with pytest.raises((httpx.RemoteProtocolError, ConnectionError)):
        w.drupal.post(f"{D7}/system/connect")
    assert w.drupal.get("/user/login").status_code == 200  # the pages still answer


@pytest.mark.parametrize(
    "cookie",
    ["", "=", "\u00e9", "a" * 5000, '"quoted"', "x; y=z"],
)
def test_bad_cookies_never_500(world: WorldFactory, cookie: str) -> None:
    w = world()
    header = [(b"Cookie", f"{w.cookie_name}={cookie}".encode())]
    for method, path in [("POST", f"{D7}/system/connect"), ("POST", f"{D7}/user/token"), ("GET", "/user/1001/edit")]:
        response = w.drupal.request(method, path, headers=header)
        assert response.status_code in (200, 401, 403)
