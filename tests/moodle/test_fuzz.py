"""Random junk at every Moodle page and the REST server: never a 500 or an unhandled exception."""

from __future__ import annotations

import random

import pytest

from tests.moodle import util as u
from tests.moodle.conftest import RestFactory

PATHS = [
    "/webservice/rest/server.php",
    "/login/token.php",
    "/auth/userkey/login.php",
    "/auth/userkey/logout.php",
    "/login/index.php",
    "/login/logout.php",
    "/my/",
    "/course/view.php",
    "/enrol/index.php",
    "/",
]
PIECES = [
    "a", "[", "]", "[]", "=", "&", "%", "%ff", "%00", "%2F", ".", "+", "0", "1", "-1", "99999999999999999999",
    "wstoken", "wsfunction", "user", "key", "wantsurl", "return", "lang", "moodlewsrestformat", "json", "xml",
    "moodlewssettinglang", "moodlewssettingraw", "username", "email", "ip", "id", "firstname", "idnumber",
    "auth_userkey_request_login_url", "core_webservice_get_site_info", u.WSUSER, u.ADMIN, "enrolkey_skipsso",
    "sesskey", "service", "password", "appsitecheck", "http://", "/", "javascript:", "es", "carla", "@",
]  # fmt: skip
HEADERS = {
    "content-type": [
        "application/x-www-form-urlencoded",
        "multipart/form-data; boundary=x",
        "text/plain",
        "application/json",
        "",
    ],
    "accept-language": ["es", "en;q=x", ";;", "es-CL,es;q=0.9", "", "*;q=0"],
    "x-forwarded-for": ["1.2.3.4", "junk", "::1", "[::1]:80", "", "10.0.0.1, 2001:db8::1"],
    "range": ["", "bytes=0-1"],
}


def junk(rng: random.Random) -> str:
    return "".join(rng.choice(PIECES) for _ in range(rng.randint(0, 25)))


@pytest.mark.parametrize("seed", range(4))
def test_no_request_breaks_the_server(rest_inprocess: RestFactory, seed: int) -> None:
    h = rest_inprocess(
        moodle={"debug": "developer", "client_ip_header": "X-Forwarded-For"},
        auth_userkey={"iprestriction": seed % 2 == 0, "createuser": True, "updateuser": seed < 2, "ssourl": "/sso"},
    )
    rng = random.Random(seed)
    failures = []
    for _ in range(400):
        method = rng.choice(["GET", "POST", "PUT"])
        url = f"{rng.choice(PATHS)}?{junk(rng)}"
        headers = {name: rng.choice(values) for name, values in HEADERS.items()}
        body = junk(rng).encode() if method != "GET" else None
        response = h.client.request(method, url, content=body, headers=headers)  # app exceptions propagate
        if response.status_code >= 500:
            failures.append((method, url, response.status_code))
    assert failures == []
