"""``/local/eduauth/launch.php`` (§1.3) and ``/local/eduauth/logout.php`` (§1.4)."""

from __future__ import annotations

import base64
import re

import pytest

from tests.moodle import util as u
from tests.moodle.conftest import RestFactory
from tests.moodle.plugins.local_eduauth.util import (
    ALUMNO1,
    APPID,
    INSTALLED,
    LAUNCH_PHP,
    LOGOUT_PHP,
    PHP_TYPE,
    TOKEN,
    assert_json,
    table,
)


def b64(text: str) -> str:
    return base64.b64encode(text.encode()).decode()


@pytest.mark.parametrize(
    ("url", "location"),
    [
        (None, "{base}/course/view.php?id=10"),
        (b64("/my/"), "{base}/my/"),
        (b64("https://example.org/x?a=1&b=2"), "https://example.org/x?a=1&b=2"),
        (b64("/my/").rstrip("="), "{base}/my/"),  # padding is optional
        ("L2 15Lw==", "{base}/my/"),  # characters outside the alphabet are skipped
        ("L2!1*5L-w", "{base}/my/"),
    ],
)
def test_launch_logs_in_and_redirects(rest: RestFactory, url: str | None, location: str) -> None:
    h = rest(**INSTALLED)
    table(h).insert(ALUMNO1, TOKEN, APPID, u.NOW, 100)
    encoded = b64(f"{h.base_url}/course/view.php?id=10") if url is None else url
    params = {"userid": str(ALUMNO1), "token": TOKEN, "appid": APPID, "url": encoded}
    response = h.client.get(LAUNCH_PHP, params=params)
    u.assert_redirect(response, location.format(base=h.base_url))
    assert "access-control-allow-origin" not in response.headers
    assert u.whoami(h) == "Ana Pérez"


@pytest.mark.parametrize("url", ["", "%%%", "a", "////", "w6k=", "AAEC", "é" * 50, b64("\x00\xff\r\n/x")])
def test_launch_with_a_malformed_url_never_fails(rest: RestFactory, url: str) -> None:
    h = rest(**INSTALLED)
    table(h).insert(ALUMNO1, TOKEN, APPID, u.NOW, 100)
    response = h.client.get(LAUNCH_PHP, params={"userid": ALUMNO1, "token": TOKEN, "appid": APPID, "url": url})
    assert response.status_code == 303
    assert response.headers["location"].startswith(("http://", "https://"))


def test_launch_invalid_login(rest: RestFactory) -> None:
    h = rest(**INSTALLED)
    url = b64("/my/")
    response = h.client.get(LAUNCH_PHP, params={"userid": ALUMNO1, "token": TOKEN, "appid": APPID, "url": url})
    body = u.php_json(
        {"appid": APPID, "status": "error", "error": "invalid_login", "userid": ALUMNO1, "token": TOKEN, "data": url}
    )
    assert_json(response, body, cors=False)


def test_launch_logs_another_user_out_first(rest: RestFactory) -> None:
    h = rest(**INSTALLED)
    table(h).insert(ALUMNO1, TOKEN, APPID, u.NOW, 100)
    u.login_form(h, "alumno2", "Alumno1234!")
    query = f"userid={ALUMNO1}&token={TOKEN}&appid={APPID}&url={b64('/my/')}&sesskey=abc"
    response = h.client.get(f"{LAUNCH_PHP}?{query}")
    # $PAGE->url was never set: $FULLME without sesskey.
    expected = f"{h.base_url}{LAUNCH_PHP}?userid=3&token={TOKEN}&appid={APPID}&url=L215Lw%3D%3D"
    u.assert_redirect(response, expected)
    assert u.whoami(h) is None
    u.assert_redirect(h.client.get(response.headers["location"]), f"{h.base_url}/my/")


def test_logout_for_another_user(rest: RestFactory) -> None:
    h = rest(**INSTALLED)
    u.login_form(h, "alumno2", "Alumno1234!")
    response = h.client.get(LOGOUT_PHP, params={"userid": ALUMNO1})
    assert response.status_code == 302
    assert response.text == ""
    assert response.headers["content-type"] == PHP_TYPE
    location = response.headers["location"]
    assert re.fullmatch(re.escape(f"{h.base_url}/login/logout.php?sesskey=") + "[A-Za-z0-9]{10}", location)
    # The session's own sesskey: core's logout.php logs out at once instead of asking to confirm.
    u.assert_redirect(h.client.get(location), f"{h.base_url}/")
    assert u.whoami(h) is None


@pytest.mark.parametrize("userid", ["", "0", "-4", "abc", "4"])
def test_logout_does_nothing_otherwise(rest: RestFactory, userid: str) -> None:
    h = rest(**INSTALLED)
    u.login_form(h, "alumno2", "Alumno1234!")
    response = h.client.get(LOGOUT_PHP, params={"userid": userid})
    assert (response.status_code, response.text, response.headers["content-type"]) == (200, "", PHP_TYPE)
    assert "location" not in response.headers
    assert u.whoami(h) == "Bruno Soto"


def test_logout_of_a_visitor(rest: RestFactory) -> None:
    h = rest(**INSTALLED)
    response = h.client.get(LOGOUT_PHP, params={"userid": ALUMNO1})
    assert response.status_code == 302
    assert response.headers["location"] == f"{h.base_url}/login/logout.php?sesskey="
