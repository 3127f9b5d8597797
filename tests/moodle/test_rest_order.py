"""Which error wins when several apply (moodle-webservice.md §1.3, §2.2, §7.3; auth-userkey.md §2.3-§2.4)."""

from __future__ import annotations

from typing import Any

import pytest

from tests.moodle import util as u
from tests.moodle.conftest import RestFactory

LOGIN = "auth_userkey_request_login_url"
SITE_INFO = "core_webservice_get_site_info"
CAPS = ["webservice/rest:use", "auth/userkey:generatekey"]

# Users in several refused states at once, each with a token on the integration service.
COMBO_USERS: list[dict[str, Any]] = [
    {"id": 60, "username": "allbad", "deleted": True, "confirmed": False, "suspended": True, "auth": "nologin"},
    {"id": 61, "username": "unconfsusp", "confirmed": False, "suspended": True, "auth": "nologin"},
    {"id": 62, "username": "suspnologin", "suspended": True, "auth": "nologin"},
    {"id": 63, "username": "nologinnorest", "auth": "nologin", "capabilities": []},
    {"id": 64, "username": "suspiprestricted", "suspended": True},
]
for _user in COMBO_USERS:
    _user.setdefault("capabilities", CAPS)
COMBO_TOKENS = [
    {"token": "0000000000000000000000000000e060", "user": "allbad", "service": "integration"},
    {"token": "0000000000000000000000000000e061", "user": "unconfsusp", "service": "integration"},
    {"token": "0000000000000000000000000000e062", "user": "suspnologin", "service": "integration"},
    {"token": "0000000000000000000000000000e063", "user": "nologinnorest", "service": "integration"},
    {
        "token": "0000000000000000000000000000e064",
        "user": "suspiprestricted",
        "service": "integration",
        "iprestriction": "10.0.0.1",
    },
    {
        "token": "0000000000000000000000000000e065",
        "user": "wsuser",
        "service": "integration",
        "iprestriction": "10.0.0.1",
        "validuntil": "2020-01-01T00:00:00Z",
    },
]

ACCESS = ("webservice_access_exception", "accessexception", "Access control exception")
INVALID_PARAMETER = ("invalid_parameter_exception", "invalidparameter", "Invalid parameter value detected")
INVALID_TOKEN = ("moodle_exception", "invalidtoken", "Invalid token - token not found")


@pytest.mark.parametrize(
    ("token", "function", "params", "overrides", "expected"),
    [
        pytest.param("nope", None, {}, {}, (*INVALID_TOKEN, None), id="token before wsfunction"),
        pytest.param(
            "0000000000000000000000000000e065",
            LOGIN,
            {},
            {},
            (*ACCESS, "Invalid token - token expired - check validuntil time for the token"),
            id="expiry before token IP",
        ),
        pytest.param(
            "0000000000000000000000000000e064",
            LOGIN,
            {},
            {},
            (*ACCESS, "Invalid service - IP:127.0.0.1 is not supported - check this allowed user"),
            id="token IP before user state",
        ),
        pytest.param(
            "0000000000000000000000000000e060",
            LOGIN,
            {},
            {"moodle": {"maintenance": True}},
            (
                "moodle_exception",
                "sitemaintenance",
                "The site is undergoing maintenance and is currently not available",
                None,
            ),
            id="maintenance before deleted",
        ),
        pytest.param(
            "0000000000000000000000000000e060",
            LOGIN,
            {},
            {},
            (
                "moodle_exception",
                "wsaccessuserdeleted",
                "Refused web service access for deleted username: allbad",
                None,
            ),
            id="deleted before unconfirmed",
        ),
        pytest.param(
            "0000000000000000000000000000e061",
            LOGIN,
            {},
            {},
            (
                "moodle_exception",
                "wsaccessuserunconfirmed",
                "Refused web service access for unconfirmed username: unconfsusp",
                None,
            ),
            id="unconfirmed before suspended",
        ),
        pytest.param(
            "0000000000000000000000000000e062",
            LOGIN,
            {},
            {},
            (
                "moodle_exception",
                "wsaccessusersuspended",
                "Refused web service access for suspended username: suspnologin",
                None,
            ),
            id="suspended before nologin",
        ),
        pytest.param(
            "0000000000000000000000000000e063",
            None,
            {},
            {},
            (
                "moodle_exception",
                "wsaccessusernologin",
                "Refused web service access for nologin authentication username: nologinnorest",
                None,
            ),
            id="nologin before rest:use",
        ),
        pytest.param(
            u.NOREST,
            None,
            {},
            {},
            (*ACCESS, "You are not allowed to use the rest protocol (missing capability: webservice/rest:use)"),
            id="rest:use before wsfunction",
        ),
        pytest.param(
            u.SITEINFO_ONLY,
            None,
            {"bogus": "1"},
            {},
            (*INVALID_PARAMETER, "Missing function name"),
            id="wsfunction missing before parameters",
        ),
        pytest.param(
            u.SITEINFO_ONLY,
            "nope",
            {"bogus": "1"},
            {},
            (
                "dml_missing_record_exception",
                "invalidrecord",
                "Can't find data record in database table external_functions.",
                "SELECT * FROM {external_functions} WHERE name = ?\n[array (\n  0 => 'nope',\n)]",
            ),
            id="unknown function before service",
        ),
        pytest.param(
            u.SITEINFO_ONLY,
            LOGIN,
            {"bogus": "1"},
            {},
            (*ACCESS, u.ACCESS_NOT_ALLOWED.format(name=LOGIN)),
            id="function not in service before parameters",
        ),
        pytest.param(
            u.WSUSER,
            LOGIN,
            {"user[username]": "Carla"},
            {"moodle": {"auth": []}},
            (
                *INVALID_PARAMETER,
                "user => Invalid parameter value detected: username => Invalid parameter value detected: "
                'Invalid external api parameter: the value is "Carla", the server was expecting "username" type',
            ),
            id="parameters before plugin disabled",
        ),
        pytest.param(
            u.NOCAP,
            LOGIN,
            {"user[username]": "nobody"},
            {"moodle": {"auth": []}},
            (*ACCESS, "The userkey authentication plugin is disabled."),
            id="plugin disabled before capability",
        ),
        pytest.param(
            u.NOCAP,
            LOGIN,
            {"user[username]": "nobody"},
            {},
            (
                "required_capability_exception",
                "nopermissions",
                "Sorry, but you do not currently have permissions to do that (Generate login user key).",
                None,
            ),
            id="capability before user lookup",
        ),
        pytest.param(
            u.WSUSER,
            LOGIN,
            {"user[username]": "nobody"},
            {},
            (*INVALID_PARAMETER, "User is not exist"),
            id="function body last",
        ),
    ],
)
def test_first_failing_check_wins(
    rest: RestFactory,
    token: str,
    function: str | None,
    params: dict[str, str],
    overrides: dict[str, Any],
    expected: tuple[str, str, str, str | None],
) -> None:
    moodle = {"debug": "normal", **overrides.get("moodle", {})}
    h = rest(users=COMBO_USERS, tokens=COMBO_TOKENS, moodle=moodle)
    response = h.rest(function, token=token, **params)
    u.assert_rest(response, u.json_error(*expected))


def test_missing_required_key_is_reported_before_unexpected_keys(rest: RestFactory) -> None:
    h = rest(moodle={"debug": "normal"})
    response = h.rest(LOGIN, token=u.WSUSER, **{"user[firstname]": "X", "user[lastname]": "Y"})
    u.assert_rest(
        response,
        u.json_error(
            *INVALID_PARAMETER,
            "user => Invalid parameter value detected: Missing required key in single structure: username",
        ),
    )


def test_nested_errors_before_top_level_unexpected_keys(rest: RestFactory) -> None:
    h = rest(moodle={"debug": "normal"})
    response = h.rest(LOGIN, token=u.WSUSER, **{"user[username]": "x y", "zzz": "1"})
    u.assert_rest(
        response,
        u.json_error(
            *INVALID_PARAMETER,
            "user => Invalid parameter value detected: username => Invalid parameter value detected: "
            'Invalid external api parameter: the value is "x y", the server was expecting "username" type',
        ),
    )
