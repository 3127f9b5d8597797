"""``/login/token.php`` (moodle-webservice.md §3.1): every case of its table and its error shape."""

from __future__ import annotations

import re
from typing import Any

import httpx
import pytest

from tests.harness import Harness
from tests.moodle import util as u
from tests.moodle.conftest import RestFactory

TOKEN_PHP = "/login/token.php"
PASSWORD = "Secret123!"
TOKEN_USERS: list[dict[str, Any]] = [
    {"id": 80, "username": "tsuspended", "password": PASSWORD, "suspended": True},
    {"id": 81, "username": "tunconfirmed", "password": PASSWORD, "confirmed": False},
    {"id": 82, "username": "tnologin", "password": PASSWORD, "auth": "nologin"},
    {"id": 83, "username": "tuserkey", "password": PASSWORD, "auth": "userkey"},
    {"id": 84, "username": "tdeleted", "password": PASSWORD, "deleted": True},
    {"id": 85, "username": "tcreator", "password": PASSWORD, "capabilities": ["moodle/webservice:createtoken"]},
    {"id": 86, "username": "temail", "password": PASSWORD, "auth": "email"},
]
TIMED_SERVICES: list[dict[str, Any]] = [
    {
        "name": "Timed",
        "shortname": "timed_ws",
        "restrictedusers": True,
        "functions": ["core_webservice_get_site_info"],
        "authorisedusers": [
            {"user": "carla", "validuntil": "2025-12-31T23:59:59Z"},
            {"user": "tcreator", "iprestriction": "10.0.0.0/8"},
            "alumno1",
        ],
    }
]


def world(rest: RestFactory, **overrides: Any) -> Harness:
    return rest(users=TOKEN_USERS, services=TIMED_SERVICES, **overrides)


def token_php(h: Harness, method: str = "POST", **params: str) -> httpx.Response:
    if method == "GET":
        return h.client.get(TOKEN_PHP, params=params)
    return h.client.post(TOKEN_PHP, data=params)


def assert_json(response: httpx.Response, body: str) -> None:
    assert response.status_code == 200
    assert response.headers["content-type"] == "application/json; charset=utf-8"
    assert response.headers["access-control-allow-origin"] == "*"
    assert "set-cookie" not in response.headers
    assert response.text == body


def error(message: str, code: str) -> str:
    return u.php_json(
        {"error": message, "errorcode": code, "stacktrace": None, "debuginfo": None, "reproductionlink": None}
    )


INVALID_LOGIN = error("Invalid login, please try again", "invalidlogin")


@pytest.mark.parametrize(
    ("params", "overrides", "body"),
    [
        pytest.param(
            {"username": "carla", "password": "Carla1234!", "service": "moodle_mobile_app"},
            {"moodle": {"enablewebservices": False}},
            error("Web services must be enabled in Advanced features.", "enablewsdescription"),
            id="ws disabled",
        ),
        pytest.param(
            {"appsitecheck": "1"},
            {"moodle": {"enablewebservices": False}},
            error("Web services must be enabled in Advanced features.", "enablewsdescription"),
            id="ws disabled before appsitecheck",
        ),
        pytest.param({}, {}, error("A required parameter (username) was missing", "missingparam"), id="no username"),
        pytest.param(
            {"username": "carla", "service": "x"},
            {},
            error("A required parameter (password) was missing", "missingparam"),
            id="no password",
        ),
        pytest.param(
            {"username": "carla", "password": "x"},
            {},
            error("A required parameter (service) was missing", "missingparam"),
            id="no service",
        ),
        pytest.param(
            {"username": "carla", "password": "wrong", "service": "moodle_mobile_app"},
            {},
            INVALID_LOGIN,
            id="wrong password",
        ),
        pytest.param(
            {"username": "nobody", "password": "x", "service": "moodle_mobile_app"},
            {},
            INVALID_LOGIN,
            id="unknown user",
        ),
        pytest.param(
            {"username": "tsuspended", "password": PASSWORD, "service": "moodle_mobile_app"},
            {},
            INVALID_LOGIN,
            id="suspended",
        ),
        pytest.param(
            {"username": "tnologin", "password": PASSWORD, "service": "moodle_mobile_app"},
            {},
            INVALID_LOGIN,
            id="nologin",
        ),
        pytest.param(
            {"username": "tuserkey", "password": PASSWORD, "service": "moodle_mobile_app"},
            {},
            INVALID_LOGIN,
            id="userkey users never log in with a password",
        ),
        pytest.param(
            {"username": "tdeleted", "password": PASSWORD, "service": "moodle_mobile_app"},
            {},
            INVALID_LOGIN,
            id="deleted",
        ),
        pytest.param(
            {"username": "temail", "password": PASSWORD, "service": "moodle_mobile_app"},
            {},
            INVALID_LOGIN,
            id="auth plugin not enabled",
        ),
        pytest.param(
            {"username": "carla", "password": "Carla1234!", "service": "moodle_mobile_app"},
            {"moodle": {"maintenance": True}},
            error("The site is undergoing maintenance and is currently not available", "sitemaintenance"),
            id="maintenance",
        ),
        pytest.param(
            {"username": "tunconfirmed", "password": PASSWORD, "service": "moodle_mobile_app"},
            {},
            error("Could not confirm tunconfirmed", "usernotconfirmed"),
            id="unconfirmed",
        ),
        pytest.param(
            {"username": "carla", "password": "Carla1234!", "service": "nope"},
            {},
            error("Web service is not available. (It doesn't exist or might be disabled.)", "servicenotavailable"),
            id="unknown service",
        ),
        pytest.param(
            {"username": "carla", "password": "Carla1234!", "service": "disabled_ws"},
            {},
            error("Web service is not available. (It doesn't exist or might be disabled.)", "servicenotavailable"),
            id="disabled service",
        ),
        pytest.param(
            {"username": "carla", "password": "Carla1234!", "service": "capability_ws"},
            {},
            error("The capability moodle/site:config is required.", "missingrequiredcapability"),
            id="service capability",
        ),
        pytest.param(
            {"username": "tcreator", "password": PASSWORD, "service": "restricted_ws"},
            {},
            error(
                "The user is not allowed for this service. First you need to allow this user on the "
                "restricted_ws's allowed users administration page.",
                "usernotallowed",
            ),
            id="restricted, not authorised",
        ),
        pytest.param(
            {"username": "carla", "password": "Carla1234!", "service": "timed_ws"},
            {},
            error("Invalid token - token expired", "invalidtimedtoken"),
            id="restricted, authorisation expired",
        ),
        pytest.param(
            {"username": "tcreator", "password": PASSWORD, "service": "timed_ws"},
            {},
            error("Invalid token - your IP is not supported", "invalidiptoken"),
            id="restricted, IP not allowed",
        ),
        pytest.param(
            {"username": "carla", "password": "Carla1234!", "service": "integration"},
            {},
            error("No permission to create web service token for the service integration.", "cannotcreatetoken"),
            id="cannot create token",
        ),
        pytest.param(
            {"username": "admin", "password": "Admin1234!", "service": "siteinfo_ws"},
            {},
            error("No permission to create web service token for the service siteinfo_ws.", "cannotcreatetoken"),
            id="admins only get existing tokens",
        ),
    ],
)
@pytest.mark.parametrize("method", ["POST", "GET"])
def test_token_php_errors(
    rest: RestFactory, params: dict[str, str], overrides: dict[str, Any], body: str, method: str
) -> None:
    h = world(rest, **overrides)
    assert_json(token_php(h, method, **params), body)


def test_appsitecheck(rest: RestFactory) -> None:
    h = world(rest)
    assert_json(token_php(h, "GET", appsitecheck="1"), '{"appsitecheck":"ok"}')
    assert_json(
        token_php(h, "GET", appsitecheck="0"), error("A required parameter (username) was missing", "missingparam")
    )


def test_mobile_token_is_created_then_reused(rest: RestFactory) -> None:
    h = world(rest, moodle={"enablemobilewebservice": True})
    first = token_php(h, username="alumno1", password="Alumno1234!", service="moodle_mobile_app")
    token = first.json()["token"]
    assert re.fullmatch(r"[0-9a-f]{32}", token)
    assert_json(first, u.php_json({"token": token, "privatetoken": None}))
    stored = h.tenant.store.token(token)
    assert stored is not None
    assert (stored.userid, stored.validuntil, stored.timecreated) == (3, u.NOW + 12 * 7 * 86400, u.NOW)
    second = token_php(h, username="alumno1", password="Alumno1234!", service="moodle_mobile_app")
    assert_json(second, u.php_json({"token": token, "privatetoken": None}))
    # The token works on the REST server (mobile web services grant webservice/rest:use).
    assert h.rest("core_webservice_get_site_info", token=token).json()["username"] == "alumno1"


def test_expired_token_is_replaced(rest: RestFactory) -> None:
    h = world(rest, moodle={"tokenduration": 100})
    token = token_php(h, username="carla", password="Carla1234!", service="moodle_mobile_app").json()["token"]
    h.tenant.clock.advance(101)
    renewed = token_php(h, username="carla", password="Carla1234!", service="moodle_mobile_app").json()["token"]
    assert renewed != token
    assert h.tenant.store.token(token) is None


def test_existing_token_is_reused_for_admins_and_other_services(rest: RestFactory) -> None:
    h = world(rest)
    response = token_php(h, username="admin", password="Admin1234!", service="capability_ws")
    assert_json(response, u.php_json({"token": u.ADMIN_CAPABILITY_SERVICE, "privatetoken": None}))


def test_token_creator_gets_a_new_token_for_another_service(rest: RestFactory) -> None:
    h = world(rest)
    response = token_php(h, username="tcreator", password=PASSWORD, service="siteinfo_ws")
    assert re.fullmatch(r'\{"token":"[0-9a-f]{32}","privatetoken":null\}', response.text)


def test_authorised_user_of_a_restricted_service(rest: RestFactory) -> None:
    h = world(rest)
    response = token_php(h, username="alumno1", password="Alumno1234!", service="timed_ws")
    assert response.json()["errorcode"] == "cannotcreatetoken"


def test_username_is_cleaned_not_rejected(rest: RestFactory) -> None:
    h = world(rest)
    response = token_php(h, username="  CARLA ", password="Carla1234!", service="moodle_mobile_app")
    assert set(response.json()) == {"token", "privatetoken"}


def test_post_wins_over_get(rest: RestFactory) -> None:
    h = world(rest)
    response = h.client.post(
        f"{TOKEN_PHP}?username=carla&password=wrong&service=moodle_mobile_app", data={"password": "Carla1234!"}
    )
    assert set(response.json()) == {"token", "privatetoken"}


def test_private_token_over_https(rest: RestFactory) -> None:
    h = world(rest, moodle={"wwwroot": "https://campus.example.cl"})
    student = token_php(h, username="carla", password="Carla1234!", service="moodle_mobile_app").json()
    assert re.fullmatch(r"[A-Za-z0-9]{64}", student["privatetoken"])
    again = token_php(h, username="carla", password="Carla1234!", service="moodle_mobile_app").json()
    assert again == student  # the reused token keeps its private token
    admin = token_php(h, username="admin", password="Admin1234!", service="capability_ws")
    assert_json(admin, u.php_json({"token": u.ADMIN_CAPABILITY_SERVICE, "privatetoken": None}))


def test_developer_debug_fills_the_other_keys(rest: RestFactory) -> None:
    h = world(rest, moodle={"debug": "developer"})
    body = token_php(h, username="carla", password="wrong", service="moodle_mobile_app").json()
    assert list(body) == ["error", "errorcode", "stacktrace", "debuginfo", "reproductionlink"]
    assert body["error"] == "Invalid login, please try again"
    assert body["errorcode"] == "invalidlogin"
    assert body["debuginfo"] == "\nError code: invalidlogin"
    assert body["reproductionlink"] == f"{h.base_url}/"
    assert isinstance(body["stacktrace"], str) and body["stacktrace"]


def test_normal_debug_keeps_nulls(rest: RestFactory) -> None:
    h = world(rest, moodle={"debug": "normal"})
    assert_json(token_php(h, username="carla", password="wrong", service="moodle_mobile_app"), INVALID_LOGIN)


SERVICE_NOT_AVAILABLE_ES = "El servicio Web no está disponible (no existe o puede estar deshabilitado)"


def test_language_after_the_user_is_known(rest: RestFactory) -> None:
    h = world(rest)
    # alumno1's language is Spanish: errors after set_user() are in Spanish...
    spanish = token_php(h, username="alumno1", password="Alumno1234!", service="nope")
    assert_json(spanish, error(SERVICE_NOT_AVAILABLE_ES, "servicenotavailable"))
    # ...carla's is English; Accept-Language (the session language) outranks it.
    english = token_php(h, username="carla", password="Carla1234!", service="nope")
    assert_json(
        english, error("Web service is not available. (It doesn't exist or might be disabled.)", "servicenotavailable")
    )
    accept = h.client.post(
        TOKEN_PHP,
        data={"username": "carla", "password": "Carla1234!", "service": "nope"},
        headers={"Accept-Language": "es-CL,es;q=0.9"},
    )
    assert_json(accept, error(SERVICE_NOT_AVAILABLE_ES, "servicenotavailable"))
    lang_param = h.client.post(
        f"{TOKEN_PHP}?lang=es", data={"username": "carla", "password": "Carla1234!", "service": "nope"}
    )
    assert_json(lang_param, error(SERVICE_NOT_AVAILABLE_ES, "servicenotavailable"))
