"""Every REST-server error of moodle-webservice.md §2.1, in JSON and XML, at each debug level."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import pytest

from tests.harness import REST
from tests.moodle import util as u
from tests.moodle.conftest import RestFactory

LOGIN = "auth_userkey_request_login_url"
SITE_INFO = "core_webservice_get_site_info"
TOKEN_EXPIRED = "Invalid token - token expired - check validuntil time for the token"
NO_REST = "You are not allowed to use the rest protocol (missing capability: webservice/rest:use)"
UNKNOWN_SQL = "SELECT * FROM {external_functions} WHERE name = ?\n[array (\n  0 => '%s',\n)]"


@dataclass(frozen=True)
class Case:
    token: str | None
    function: str | None
    exception: str
    errorcode: str
    message: str
    debuginfo: str | None = None
    params: dict[str, str] = field(default_factory=dict)
    overrides: dict[str, Any] = field(default_factory=dict)


CASES = {
    "token missing": Case(None, LOGIN, "moodle_exception", "invalidtoken", "Invalid token - token not found"),
    "token empty": Case("", LOGIN, "moodle_exception", "invalidtoken", "Invalid token - token not found"),
    "token unknown": Case("f" * 32, LOGIN, "moodle_exception", "invalidtoken", "Invalid token - token not found"),
    "token upper case": Case(
        u.WSUSER.upper(), LOGIN, "moodle_exception", "invalidtoken", "Invalid token - token not found"
    ),
    "token IP restricted": Case(
        u.TOKEN_IP_10,
        LOGIN,
        "webservice_access_exception",
        "accessexception",
        "Access control exception",
        "Invalid service - IP:127.0.0.1 is not supported - check this allowed user",
    ),
    "maintenance": Case(
        u.WSUSER,
        LOGIN,
        "moodle_exception",
        "sitemaintenance",
        "The site is undergoing maintenance and is currently not available",
        overrides={"moodle": {"maintenance": True}},
    ),
    "user deleted": Case(
        u.DELETED,
        LOGIN,
        "moodle_exception",
        "wsaccessuserdeleted",
        "Refused web service access for deleted username: wsdeleted",
    ),
    "user unconfirmed": Case(
        u.UNCONFIRMED,
        LOGIN,
        "moodle_exception",
        "wsaccessuserunconfirmed",
        "Refused web service access for unconfirmed username: wsunconfirmed",
    ),
    "user suspended": Case(
        u.SUSPENDED,
        LOGIN,
        "moodle_exception",
        "wsaccessusersuspended",
        "Refused web service access for suspended username: wssuspended",
    ),
    "user nologin": Case(
        u.NOLOGIN,
        LOGIN,
        "moodle_exception",
        "wsaccessusernologin",
        "Refused web service access for nologin authentication username: wsnologin",
    ),
    "no webservice/rest:use": Case(
        u.NOREST, LOGIN, "webservice_access_exception", "accessexception", "Access control exception", NO_REST
    ),
    "wsfunction missing": Case(
        u.WSUSER,
        None,
        "invalid_parameter_exception",
        "invalidparameter",
        "Invalid parameter value detected",
        "Missing function name",
    ),
    "wsfunction empty": Case(
        u.WSUSER,
        "",
        "invalid_parameter_exception",
        "invalidparameter",
        "Invalid parameter value detected",
        "Missing function name",
    ),
    "wsfunction '0'": Case(
        u.WSUSER,
        "0",
        "invalid_parameter_exception",
        "invalidparameter",
        "Invalid parameter value detected",
        "Missing function name",
    ),
    "unknown function": Case(
        u.WSUSER,
        "core_user_nonexistent",
        "dml_missing_record_exception",
        "invalidrecord",
        "Can't find data record in database table external_functions.",
        UNKNOWN_SQL % "core_user_nonexistent",
    ),
    "unknown function with quote": Case(
        u.WSUSER,
        "it's",
        "dml_missing_record_exception",
        "invalidrecord",
        "Can't find data record in database table external_functions.",
        UNKNOWN_SQL % "it\\'s",
    ),
    "function not in the service": Case(
        u.SITEINFO_ONLY,
        LOGIN,
        "webservice_access_exception",
        "accessexception",
        "Access control exception",
        u.ACCESS_NOT_ALLOWED.format(name=LOGIN),
    ),
    "service disabled": Case(
        u.DISABLED_SERVICE,
        SITE_INFO,
        "webservice_access_exception",
        "accessexception",
        "Access control exception",
        u.ACCESS_NOT_ALLOWED.format(name=SITE_INFO),
    ),
    "restricted service, user not listed": Case(
        u.NOT_AUTHORISED,
        SITE_INFO,
        "webservice_access_exception",
        "accessexception",
        "Access control exception",
        u.ACCESS_NOT_ALLOWED.format(name=SITE_INFO),
    ),
    "restricted service, IP not allowed": Case(
        u.AUTHORISED_WRONG_IP,
        SITE_INFO,
        "webservice_access_exception",
        "accessexception",
        "Access control exception",
        u.ACCESS_NOT_ALLOWED.format(name=SITE_INFO),
    ),
    "service capability missing": Case(
        u.CAPABILITY_SERVICE,
        SITE_INFO,
        "webservice_access_exception",
        "accessexception",
        "Access control exception",
        u.ACCESS_NOT_ALLOWED.format(name=SITE_INFO),
    ),
    "parameter missing": Case(
        u.WSUSER,
        LOGIN,
        "invalid_parameter_exception",
        "invalidparameter",
        "Invalid parameter value detected",
        "Missing required key in single structure: user",
    ),
    "function capability missing": Case(
        u.NOCAP,
        LOGIN,
        "required_capability_exception",
        "nopermissions",
        "Sorry, but you do not currently have permissions to do that (Generate login user key).",
        params={"user[username]": "carla"},
    ),
}

DEBUG_LEVELS = ["none", "normal", "developer"]


def _expected(case: Case, fmt: str, debug: str) -> str:
    message = case.message
    if debug == "developer" and case.debuginfo:
        message = f"{message} ({case.debuginfo})"
    debuginfo = case.debuginfo if debug != "none" else None
    return u.error_body(fmt, case.exception, case.errorcode, message, debuginfo)


@pytest.mark.parametrize("debug", DEBUG_LEVELS)
@pytest.mark.parametrize("fmt", ["json", "xml"])
@pytest.mark.parametrize("name", list(CASES))
def test_rest_error(rest: RestFactory, name: str, fmt: str, debug: str) -> None:
    case = CASES[name]
    overrides = {**case.overrides, "moodle": {**case.overrides.get("moodle", {}), "debug": debug}}
    h = rest(**overrides)
    response = h.rest(case.function, token=case.token, fmt=fmt, **case.params)
    u.assert_rest(response, _expected(case, fmt, debug), fmt)


@pytest.mark.parametrize(
    "moodle",
    [{"enablewebservices": False}, {"webserviceprotocols": []}, {"webserviceprotocols": ["soap", "xmlrpc"]}],
)
@pytest.mark.parametrize("method", ["GET", "POST"])
def test_webservices_or_rest_off_is_403_with_empty_body(rest: RestFactory, moodle: dict[str, Any], method: str) -> None:
    h = rest(moodle=moodle)
    response = h.client.request(method, REST, params={"wstoken": u.WSUSER, "wsfunction": LOGIN})
    assert response.status_code == 403
    assert response.content == b""
    assert response.headers["content-type"] == "text/html; charset=UTF-8"
    assert "access-control-allow-origin" not in response.headers


def test_admin_passes_the_service_capability_check(rest: RestFactory) -> None:
    h = rest()
    response = h.rest(SITE_INFO, token=u.ADMIN_CAPABILITY_SERVICE)
    assert response.json()["username"] == "admin"


def test_site_admin_passes_maintenance(rest: RestFactory) -> None:
    h = rest(moodle={"maintenance": True})
    response = h.rest(SITE_INFO, token=u.ADMIN)
    assert response.json()["username"] == "admin"


def test_token_ip_restriction_list_and_trusted_client_ip(rest: RestFactory) -> None:
    h = rest(moodle={"client_ip_header": "X-Forwarded-For"})
    assert h.rest(SITE_INFO, token=u.TOKEN_IP_LOCAL).json()["userid"] == 20
    # The token allows 127.0.0.1 and 10.1.2.0/24; the trusted header moves the client elsewhere.
    moved = h.client.post(
        REST,
        data={"wstoken": u.TOKEN_IP_LOCAL, "wsfunction": SITE_INFO, "moodlewsrestformat": "json"},
        headers={"X-Forwarded-For": "198.51.100.1, 10.1.2.77"},
    )
    assert moved.json()["userid"] == 20
    refused = h.client.post(
        REST,
        data={"wstoken": u.TOKEN_IP_10, "wsfunction": SITE_INFO, "moodlewsrestformat": "json"},
        headers={"X-Forwarded-For": "10.1.2.77, 192.0.2.9"},
    )
    u.assert_rest(refused, u.json_error("webservice_access_exception", "accessexception", "Access control exception"))


def test_token_ip_message_names_the_unusable_client_address(rest: RestFactory) -> None:
    # getremoteaddr() falls back to its default '0.0.0.0' when the trusted header is garbage.
    h = rest(moodle={"client_ip_header": "Client-IP", "debug": "normal"})
    response = h.client.post(
        REST,
        data={"wstoken": u.TOKEN_IP_10, "wsfunction": SITE_INFO, "moodlewsrestformat": "json"},
        headers={"Client-IP": "not-an-ip"},
    )
    u.assert_rest(
        response,
        u.json_error(
            "webservice_access_exception",
            "accessexception",
            "Access control exception",
            "Invalid service - IP:0.0.0.0 is not supported - check this allowed user",
        ),
    )


def test_token_expiry_deletes_the_token(rest: RestFactory) -> None:
    h = rest(moodle={"debug": "normal"})
    h.tenant.clock.set(u.EXPIRING_AT)  # validuntil < now is required: still valid in its last second
    assert h.rest(SITE_INFO, token=u.EXPIRING).json()["userid"] == 20
    h.tenant.clock.advance(1)
    expired = h.rest(SITE_INFO, token=u.EXPIRING)
    u.assert_rest(
        expired,
        u.json_error("webservice_access_exception", "accessexception", "Access control exception", TOKEN_EXPIRED),
    )
    assert h.tenant.store.token(u.EXPIRING) is None
    h.tenant.clock.set(u.NOW)  # going back in time does not bring it back
    again = h.rest(SITE_INFO, token=u.EXPIRING)
    u.assert_rest(again, u.json_error("moodle_exception", "invalidtoken", "Invalid token - token not found"))


def test_restricted_service_authorised_user_gets_through(rest: RestFactory) -> None:
    h = rest()
    assert h.rest(SITE_INFO, token=u.AUTHORISED).json()["username"] == "wsnocap"


def test_authorised_user_validuntil_quirk_of_41(rest: RestFactory) -> None:
    # 4.1's SQL reads "su.validuntil IS NULL OR su.validuntil < :now": a future date refuses access.
    authorised = {"user": "wsnocap", "validuntil": "2030-01-01T00:00:00Z"}
    service = {
        "name": "Timed service",
        "restrictedusers": True,
        "functions": [SITE_INFO],
        "authorisedusers": [authorised],
    }
    token = {"token": "0000000000000000000000000000d001", "user": "wsnocap", "service": "Timed service"}
    h = rest(services=[service], tokens=[token], moodle={"debug": "normal"})
    refused = h.rest(SITE_INFO, token=token["token"])
    u.assert_rest(
        refused,
        u.json_error(
            "webservice_access_exception",
            "accessexception",
            "Access control exception",
            u.ACCESS_NOT_ALLOWED.format(name=SITE_INFO),
        ),
    )
    h.tenant.clock.set(u.EXPIRING_AT + 1)
    assert h.rest(SITE_INFO, token=token["token"]).json()["username"] == "wsnocap"


@pytest.mark.parametrize(
    ("token", "function", "exception"),
    [
        ("nope", LOGIN, "core\\exception\\moodle_exception"),
        (u.WSUSER, LOGIN, "core\\exception\\invalid_parameter_exception"),
        (u.NOCAP, LOGIN, "core\\exception\\required_capability_exception"),
        (u.NOREST, LOGIN, "webservice_access_exception"),
        (u.WSUSER, "nope", "dml_missing_record_exception"),
    ],
)
@pytest.mark.parametrize("fmt", ["json", "xml"])
def test_moodle_45_exception_class_names(
    rest: RestFactory, token: str, function: str, exception: str, fmt: str
) -> None:
    h = rest(moodle={"version": "4.5"})
    params = {"user[username]": "carla"} if token == u.NOCAP else {}
    response = h.rest(function, token=token, fmt=fmt, **params)
    if fmt == "json":
        assert response.json()["exception"] == exception
        assert '"exception":"' + exception.replace("\\", "\\\\") + '"' in response.text
    else:
        assert response.text.startswith(f'<?xml version="1.0" encoding="UTF-8" ?>\n<EXCEPTION class="{exception}">\n')


def test_debugusers_get_debuginfo_once_the_token_user_is_set(rest: RestFactory) -> None:
    h = rest(moodle={"debugusers": [20, 23]})
    unknown = h.rest("nope", token=u.WSUSER)
    u.assert_rest(
        unknown,
        u.json_error(
            "dml_missing_record_exception",
            "invalidrecord",
            "Can't find data record in database table external_functions.",
            UNKNOWN_SQL % "nope",
        ),
    )
    # Refused before set_user(): $USER is still nobody, so wssuspended (23) sees no debuginfo.
    not_listed = h.rest(LOGIN, token=u.TOKEN_IP_10)
    u.assert_rest(
        not_listed, u.json_error("webservice_access_exception", "accessexception", "Access control exception")
    )
    other = h.rest("nope", token=u.NOCAP)
    u.assert_rest(
        other,
        u.json_error(
            "dml_missing_record_exception",
            "invalidrecord",
            "Can't find data record in database table external_functions.",
        ),
    )


def test_unknown_function_given_as_an_array(rest: RestFactory) -> None:
    h = rest(moodle={"debug": "normal"})
    response = h.client.get(REST + f"?wstoken={u.WSUSER}&moodlewsrestformat=json&wsfunction[]=x")
    sql = "SELECT * FROM {external_functions} WHERE name = ?\n[array (\n  0 => \n  array (\n    0 => 'x',\n  ),\n)]"
    u.assert_rest(
        response,
        u.json_error(
            "dml_missing_record_exception",
            "invalidrecord",
            "Can't find data record in database table external_functions.",
            sql,
        ),
    )


def test_mobile_web_services_grant_rest_use_to_authenticated_users(rest: RestFactory) -> None:
    h = rest(moodle={"enablemobilewebservice": True})
    assert h.rest(SITE_INFO, token=u.NOREST).json()["username"] == "wsnorest"
