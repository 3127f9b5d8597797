"""Malformed requests to the browser pages and token.php: never a 500, always Moodle's answer."""

from __future__ import annotations

import pytest

from tests.harness import Harness
from tests.moodle import util as u
from tests.moodle.conftest import RestFactory

LOGIN_PHP = "/auth/userkey/login.php"


def new_login_url(h: Harness, username: str = "carla") -> str:
    url: str = h.rest("auth_userkey_request_login_url", token=u.WSUSER, **{"user[username]": username}).json()[
        "loginurl"
    ]
    return url


@pytest.mark.parametrize(
    ("suffix", "location"),
    [
        ("&wantsurl=%ff", "{base}"),  # invalid UTF-8 is dropped by fix_utf8(), leaving ''
        ("&wantsurl=/my/%ff", "{base}/my/"),
        ("&wantsurl[]=/my/", "{base}"),  # an array where a URL is expected: treated as absent
        ("&wantsurl=" + "a" * 20000, "{base}/auth/userkey/" + "a" * 20000),
        ("&wantsurl=/x%0d%0aSet-Cookie:%20a=b", "{base}"),  # not a valid URL: dropped
    ],
)
def test_login_php_bad_wantsurl(rest: RestFactory, suffix: str, location: str) -> None:
    h = rest()
    response = h.client.get(new_login_url(h) + suffix)
    u.assert_redirect(response, location.format(base=h.base_url))


@pytest.mark.parametrize(
    ("request_kwargs", "message"),
    [
        (
            {"content": b'{"key": "abc"}', "headers": {"Content-Type": "application/json"}},
            "A required parameter (key) was missing",
        ),
        ({"content": b"key=abc", "headers": {"Content-Type": "text/plain"}}, "A required parameter (key) was missing"),
        ({"content": b"\xff\xfe\x00garbage", "headers": {"Content-Type": "application/x-www-form-urlencoded"}}, None),
    ],
)
def test_login_php_malformed_requests(
    rest: RestFactory, request_kwargs: dict[str, object], message: str | None
) -> None:
    h = rest()
    response = h.client.post(LOGIN_PHP, **request_kwargs)  # type: ignore[arg-type]
    u.assert_error_page(response, message or "A required parameter (key) was missing", link=f"{h.base_url}/")


def test_login_php_key_with_invalid_utf8(rest: RestFactory) -> None:
    h = rest()
    key = new_login_url(h).rsplit("=", 1)[1]
    u.assert_error_page(h.client.get(LOGIN_PHP + "?key=%ff"), "Incorrect key", link=f"{h.base_url}/")
    u.assert_redirect(h.client.get(f"{LOGIN_PHP}?key=%ff{key}%fe"), h.base_url)  # stripped by PARAM_ALPHANUM


def test_login_php_huge_body_is_dropped(server: object) -> None:
    from tests.harness import ServerFactory

    assert callable(server)
    factory: ServerFactory = server
    h = factory(scenario=u.REST_SCENARIO, max_body_bytes=1000)
    key = new_login_url(h).rsplit("=", 1)[1]
    response = h.client.post(LOGIN_PHP, data={"key": key, "padding": "x" * 5000})
    u.assert_error_page(response, "A required parameter (key) was missing", link=f"{h.base_url}/")
    u.assert_redirect(h.client.post(LOGIN_PHP, data={"key": key}), h.base_url)


@pytest.mark.parametrize(
    ("query", "status", "location"),
    [
        ("?return=%ff", 303, "{base}/auth/userkey/"),
        ("?return=/bye%ff", 303, "{base}/bye"),
        ("?return[]=/bye", 404, None),  # treated as missing
    ],
)
def test_logout_php_bad_return(rest: RestFactory, query: str, status: int, location: str | None) -> None:
    h = rest()
    response = h.client.get("/auth/userkey/logout.php" + query)
    if location is None:
        u.assert_error_page(response, "A required parameter (return) was missing", link=f"{h.base_url}/")
    else:
        u.assert_redirect(response, location.format(base=h.base_url))


@pytest.mark.parametrize(
    ("kwargs", "body"),
    [
        (
            {"json": {"username": "carla", "password": "Carla1234!", "service": "moodle_mobile_app"}},
            '{"error":"A required parameter (username) was missing","errorcode":"missingparam",'
            '"stacktrace":null,"debuginfo":null,"reproductionlink":null}',
        ),
        (
            {"data": {"username[]": "carla", "password": "Carla1234!", "service": "moodle_mobile_app"}},
            '{"error":"A required parameter (username) was missing","errorcode":"missingparam",'
            '"stacktrace":null,"debuginfo":null,"reproductionlink":null}',
        ),
        (
            {"data": {"username": "carla", "password": "Carla1234!", "service": "moodle mobile app"}},
            '{"error":"Web service is not available. (It doesn\'t exist or might be disabled.)",'
            '"errorcode":"servicenotavailable","stacktrace":null,"debuginfo":null,"reproductionlink":null}',
        ),
    ],
)
def test_token_php_malformed(rest: RestFactory, kwargs: dict[str, object], body: str) -> None:
    h = rest()
    response = h.client.post("/login/token.php", **kwargs)  # type: ignore[arg-type]
    assert response.status_code == 200
    assert response.headers["content-type"] == "application/json; charset=utf-8"
    assert response.text == body


def test_token_php_service_is_cleaned_as_alphanumext(rest: RestFactory) -> None:
    h = rest()
    response = h.client.post(
        "/login/token.php", data={"username": "carla", "password": "Carla1234!", "service": "moodle_mobile_app!"}
    )
    assert set(response.json()) == {"token", "privatetoken"}


def test_token_php_invalid_utf8_is_cleaned_away(rest: RestFactory) -> None:
    # PARAM_USERNAME and PARAM_RAW both run fix_utf8(): the stray bytes vanish and the login works.
    h = rest()
    response = h.client.post(
        "/login/token.php",
        content=b"username=carla%ff&password=Carla1234!%ff&service=moodle_mobile_app",
        headers={"Content-Type": "application/x-www-form-urlencoded"},
    )
    assert set(response.json()) == {"token", "privatetoken"}
