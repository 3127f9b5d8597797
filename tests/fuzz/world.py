"""The invariants after a fuzz run: the world is the scenario plus what requests legitimately changed,
the demo flows still work end to end, and a reset gives back exactly the scenario's world."""

from __future__ import annotations

import copy
from dataclasses import dataclass, field
from typing import Any

import httpx

from mockserver.admin.world_view import world_view
from mockserver.app import MockServerApp
from mockserver.world.tenant import Tenant
from tests.fuzz.asgi import Case, Driver, Outcome
from tests.harness import DEMO_TOKEN, Harness
from tests.sence.helpers import RETOMA, callback, demo_post, login, start

USER_WRITERS = (b"core_user_create_users", b"core_user_update_users", b"auth_userkey_request_login_url")
ENROL_WRITERS = (b"enrol_manual_enrol_users", b"enrol_manual_unenrol_users")
VOLATILE_USER_FIELDS = ("lastlogin", "currentlogin", "lastip", "firstaccess", "lastaccess")
"""Columns any login or authenticated request moves (Moodle's ``user_accesstime_log``)."""


class DriverClient:
    """``get``/``post``/``request`` on the driver's loop, so the test helpers' flows run unchanged."""

    def __init__(self, driver: Driver) -> None:
        self.driver = driver

    def request(self, method: str, url: str, **kwargs: Any) -> httpx.Response:
        return self.driver.http(method, url, **kwargs)

    def get(self, url: str, **kwargs: Any) -> httpx.Response:
        return self.request("GET", url, **kwargs)

    def post(self, url: str, **kwargs: Any) -> httpx.Response:
        return self.request("POST", url, **kwargs)


def harness(driver: Driver) -> Harness:
    return Harness(driver.app, DriverClient(driver), "http://testserver", "inprocess")  # type: ignore[arg-type]


def stable_view(tenant: Tenant) -> dict[str, Any]:
    """The world minus what time and browsing move on their own (clock, keys, sessions, SENCE's
    pending logins and register, access times)."""
    view = copy.deepcopy(world_view(tenant))
    for volatile in ("clock", "keys", "sessions", "sence"):
        view.pop(volatile)
    for user in view["users"]:
        for name in VOLATILE_USER_FIELDS:
            user.pop(name, None)
    return view


@dataclass
class Writes:
    """Which kinds of legitimate change the fuzz's successful requests may have made."""

    users: bool = False
    enrolments: bool = False
    tokens: bool = False
    seen: list[str] = field(default_factory=list)

    def observe(self, case: Case, outcome: Outcome) -> None:
        if outcome.status != 200 or not case.route.startswith(("rest", "login/token.php")):
            return
        if b"exception" in outcome.body or b"EXCEPTION" in outcome.body or b'"error"' in outcome.body:
            return
        sent = case.query + case.body
        if case.route == "login/token.php":
            self.tokens = self.tokens or b'"token"' in outcome.body
        self.users = self.users or any(name in sent for name in USER_WRITERS)
        self.enrolments = self.enrolments or any(name in sent for name in ENROL_WRITERS)


def assert_world_kept(before: dict[str, Any], after: dict[str, Any], writes: Writes) -> None:
    """Tables no successful request could change are exactly as before."""
    for table in ("tenant", "scenario", "categories", "plugins"):
        assert after[table] == before[table], table
    if not writes.users:
        assert after["users"] == before["users"]
    if not writes.enrolments and not writes.users:
        assert after["courses"] == before["courses"]
    if not writes.tokens and not writes.users:
        assert after["tokens"] == before["tokens"]


ALUMNO1 = {"username": "alumno1", "ip": "127.0.0.1", "firstname": "Ana", "lastname": "Pérez",
           "email": "ana.perez@example.com"}  # fmt: skip
USER_FIELD_SETS = (("username",), ("username", "ip"), tuple(ALUMNO1))


def login_url(h: Harness) -> str:
    """auth_userkey's login URL for alumno1, with the user fields the plugin's settings ask for
    (``ip`` with iprestriction, names and email with createuser)."""
    for names in USER_FIELD_SETS:
        response = h.rest("auth_userkey_request_login_url", **{f"user[{n}]": ALUMNO1[n] for n in names})
        if "loginurl" in response.text:
            url: str = response.json()["loginurl"]
            return url
    raise AssertionError(response.text)


def moodle_flow(h: Harness) -> None:
    """REST site info, a login URL for alumno1, followed into the course page; the key is one-time."""
    info = h.rest("core_webservice_get_site_info")
    assert info.status_code == 200 and info.json()["username"] == "admin", info.text
    loginurl = login_url(h)
    landed = h.client.get(loginurl + "&wantsurl=" + h.url("/course/view.php?id=2"))
    assert landed.status_code == 303, landed.text
    assert landed.headers["location"] == h.url("/course/view.php?id=2")
    page = h.client.get("/course/view.php?id=2")
    assert page.status_code == 200
    assert '<span class="usertext" id="usertext">Ana Pérez</span>' in page.text
    assert h.client.get(loginurl).status_code == 404


def sence_flow(h: Harness) -> None:
    """IniciarSesion, the login page, the success callback to the LMS."""
    page = start(h, demo_post())
    assert page.status_code == 200, page.text
    done = login(h, page.text)
    assert done.status_code == 200, done.text
    assert callback(done.text).action == RETOMA


def timeless(value: Any) -> Any:
    """The view without creation/modification stamps (a reset rebuilds the world at the clock's now)."""
    if isinstance(value, dict):
        return {k: timeless(v) for k, v in value.items() if k not in ("timecreated", "timemodified")}
    if isinstance(value, list):
        return [timeless(v) for v in value]
    return value


def reset_gives_the_scenario(driver: Driver, initial: dict[str, Any], tenant: str = "default") -> None:
    response = driver.http("POST", f"/__mock/tenants/{tenant}/reset")
    assert response.status_code == 200, response.text
    found = driver.app.tenants.get(tenant)
    assert found is not None
    assert timeless(stable_view(found)) == timeless(initial)


def read_backs_work(driver: Driver, tenant: str = "default") -> None:
    """Everything that reads the fuzzed traffic back answers: journal (JSON and text), dashboard,
    world views, verify, the tenant list."""
    for path in (
        f"/__mock/tenants/{tenant}/journal",
        f"/__mock/tenants/{tenant}/journal?format=text",
        f"/__mock/tenants/{tenant}/world",
        f"/__mock/tenants/{tenant}/world/sence",
        f"/__mock/tenants/{tenant}/world/keys?all=1",
        "/__mock/tenants",
        "/__mock/dashboard",
    ):
        response = driver.http("GET", path)
        assert response.status_code == 200, (path, response.text[:500])
    verified = driver.http("POST", f"/__mock/tenants/{tenant}/verify", json={"path": "/*", "at_least": 0})
    assert verified.status_code == 200, verified.text


def login_cookie(driver: Driver) -> bytes:
    """A live browser session of alumno1 (so page cases reach logged-in code)."""
    h = harness(driver)
    landed = h.client.get(login_url(h))
    value = landed.cookies.get("MoodleSession")
    assert value, landed.headers
    return f"MoodleSession={value}".encode()


def demo_token_ok(app: MockServerApp) -> bool:
    return any(t.token == DEMO_TOKEN for t in app.tenants.default.store.tokens())
