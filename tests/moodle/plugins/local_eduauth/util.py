"""Shared helpers of the local_eduauth tests: the REST test world with the plugin installed."""

from __future__ import annotations

from typing import Any

import httpx

from mockserver.moodle.plugins.local_eduauth.tables import EduauthTables
from tests.harness import Harness

LOGIN_PHP = "/local/eduauth/login.php"
CONNECT_PHP = "/local/eduauth/connect.php"
LAUNCH_PHP = "/local/eduauth/launch.php"
LOGOUT_PHP = "/local/eduauth/logout.php"
APPID = "at.edumessenger.app"
TOKEN = "T0k3n-of-the-app"
PHP_TYPE = "text/html; charset=UTF-8"
INSTALLED: dict[str, Any] = {"plugins": {"local_eduauth": {}}}
ALUMNO1 = 3  # Ana Pérez, password Alumno1234!


def table(h: Harness) -> EduauthTables:
    return h.tenant.store.plugin_state("local_eduauth", EduauthTables)


def assert_json(response: httpx.Response, body: str, *, cors: bool = True) -> None:
    """HTTP 200, PHP's default Content-Type, CORS as the script sends it, exactly this body."""
    assert response.status_code == 200
    assert response.headers["content-type"] == PHP_TYPE
    if cors:
        assert response.headers["access-control-allow-origin"] == "*"
    else:
        assert "access-control-allow-origin" not in response.headers
    assert response.text == body


def getuser(h: Harness, token: str = TOKEN, appid: str = APPID) -> httpx.Response:
    return h.client.get(LOGIN_PHP, params={"token": token, "appid": appid, "act": "getuser"})


def app_login(h: Harness, username: str = "alumno1", password: str = "Alumno1234!", **params: str) -> httpx.Response:
    """The browser part: login.php -> Moodle's login form -> back to login.php; the last answer."""
    query = {"token": TOKEN, "appid": APPID, **params}
    first = h.client.get(LOGIN_PHP, params=query)
    assert first.status_code == 303, first.text
    assert first.headers["location"] == f"{h.base_url}/login/index.php"
    h.client.get("/login/index.php")
    form = h.client.post("/login/index.php", data={"username": username, "password": password})
    assert form.status_code == 303
    return h.client.get(form.headers["location"])
