"""``auth_userkey_request_login_url`` with every setting (auth-userkey.md §2-§4)."""

from __future__ import annotations

import re
from typing import Any

import pytest

from tests.harness import Harness
from tests.moodle import util as u
from tests.moodle.conftest import RestFactory

LOGIN = "auth_userkey_request_login_url"
INVALID = ("invalid_parameter_exception", "invalidparameter", "Invalid parameter value detected")
P = "Invalid parameter value detected"


def request(h: Harness, token: str = u.WSUSER, fmt: str = "json", **user: str) -> Any:
    return h.rest(LOGIN, token=token, fmt=fmt, **{f"user[{k}]": v for k, v in user.items()})


def settings(**values: Any) -> dict[str, Any]:
    return {"auth_userkey": values, "moodle": {"debug": "normal"}}


def assert_invalid(response: Any, debuginfo: str) -> None:
    u.assert_rest(response, u.json_error(*INVALID, debuginfo))


def assert_login_url(h: Harness, response: Any, userid: int, fmt: str = "json") -> str:
    key = u.only_key(h, userid)
    assert re.fullmatch(r"[0-9a-f]{32}", key)
    url = f"{h.base_url}/auth/userkey/login.php?key={key}"
    if fmt == "json":
        u.assert_rest(response, u.php_json({"loginurl": url}))
    else:
        u.assert_rest(
            response, u.xml_response(f'<SINGLE>\n<KEY name="loginurl"><VALUE>{url}</VALUE>\n</KEY>\n</SINGLE>\n'), "xml"
        )
    return key


def type_error(key: str, value: str, param_type: str) -> str:
    return (
        f"user => {P}: {key} => {P}: Invalid external api parameter: the value is "
        f'"{value}", the server was expecting "{param_type}" type'
    )


# --- the parameter structure follows the settings (§2.2, §2.3) ------------------------------------


@pytest.mark.parametrize(
    ("config", "user", "debuginfo"),
    [
        ({"mappingfield": "email"}, {}, "Missing required key in single structure: user"),
        (
            {"mappingfield": "email"},
            {"username": "carla"},
            f"user => {P}: Missing required key in single structure: email",
        ),
        (
            {"mappingfield": "username"},
            {"email": "carla@example.com"},
            f"user => {P}: Missing required key in single structure: username",
        ),
        (
            {"mappingfield": "idnumber"},
            {"username": "carla"},
            f"user => {P}: Missing required key in single structure: idnumber",
        ),
        ({"mappingfield": "0"}, {"username": "carla"}, f"user => {P}: Missing required key in single structure: email"),
        ({"mappingfield": ""}, {"username": "carla"}, f"user => {P}: Missing required key in single structure: email"),
        ({"mappingfield": "email"}, {"email": "Carla@"}, type_error("email", "Carla@", "email")),
        (
            {"mappingfield": "email"},
            {"email": " carla@example.com"},
            type_error("email", " carla@example.com", "email"),
        ),
        ({"mappingfield": "email"}, {"email": "user@localhost"}, type_error("email", "user@localhost", "email")),
        ({"mappingfield": "username"}, {"username": "Carla"}, type_error("username", "Carla", "username")),
        ({"mappingfield": "username"}, {"username": "car la"}, type_error("username", "car la", "username")),
        ({"mappingfield": "username"}, {"username": "carla+1"}, type_error("username", "carla+1", "username")),
        # Unexpected keys: profile keys only with createuser/updateuser, ip only with iprestriction.
        (
            {"mappingfield": "username"},
            {"username": "carla", "firstname": "C"},
            f"user => {P}: Unexpected keys (firstname) detected in parameter array.",
        ),
        (
            {"mappingfield": "username"},
            {"username": "carla", "firstname": "C", "lastname": "M", "ip": "1.2.3.4"},
            f"user => {P}: Unexpected keys (firstname, lastname, ip) detected in parameter array.",
        ),
        (
            {"mappingfield": "username", "createuser": True},
            {"username": "carla", "idnumber": "X", "id": "40"},
            f"user => {P}: Unexpected keys (idnumber, id) detected in parameter array.",
        ),
        (
            {"mappingfield": "email", "updateuser": True},
            {"email": "carla@example.com", "city": "Lima"},
            f"user => {P}: Unexpected keys (city) detected in parameter array.",
        ),
        # iprestriction: a required ip, PARAM_HOST.
        (
            {"mappingfield": "username", "iprestriction": True},
            {"username": "carla"},
            f"user => {P}: Missing required key in single structure: ip",
        ),
        ({"mappingfield": "username", "iprestriction": True}, {}, "Missing required key in single structure: user"),
        (
            {"mappingfield": "username", "iprestriction": True},
            {"ip": "1.2.3.4"},
            f"user => {P}: Missing required key in single structure: username",
        ),
        (
            {"mappingfield": "username", "iprestriction": True},
            {"username": "carla", "ip": "::1"},
            type_error("ip", "::1", "host"),
        ),
        (
            {"mappingfield": "username", "iprestriction": True},
            {"username": "carla", "ip": "10.0.0.0/8"},
            type_error("ip", "10.0.0.0/8", "host"),
        ),
        (
            {"mappingfield": "username", "iprestriction": True},
            {"username": "carla", "ip": "300.1.1.1"},
            type_error("ip", "300.1.1.1", "host"),
        ),
        (
            {"mappingfield": "username", "iprestriction": True},
            {"username": "carla", "ip": " 1.2.3.4"},
            type_error("ip", " 1.2.3.4", "host"),
        ),
        # createuser/updateuser profile keys and their types.
        (
            {"mappingfield": "username", "createuser": True},
            {"username": "carla", "firstname": "<b>C</b>"},
            type_error("firstname", "<b>C</b>", "notags"),
        ),
        (
            {"mappingfield": "username", "updateuser": True},
            {"username": "carla", "email": " carla@example.com "},
            type_error("email", " carla@example.com ", "raw_trimmed"),
        ),
        (
            {"mappingfield": "email", "createuser": True},
            {"email": "new@example.com", "username": "New"},
            type_error("username", "New", "username"),
        ),
    ],
)
def test_parameter_structure(rest: RestFactory, config: dict[str, Any], user: dict[str, str], debuginfo: str) -> None:
    h = rest(**settings(**config))
    assert_invalid(request(h, **user), debuginfo)


def test_array_for_a_profile_key(rest: RestFactory) -> None:
    h = rest(**settings(mappingfield="idnumber", createuser=True, iprestriction=True))
    response = h.rest(LOGIN, token=u.WSUSER, **{"user[idnumber]": "X", "user[ip]": "1.2.3.4", "user[firstname][]": "a"})
    assert_invalid(response, f"user => {P}: firstname => {P}: Scalar type expected, array or object received.")


@pytest.mark.parametrize(
    ("config", "user", "userid"),
    [
        ({"mappingfield": "email"}, {"email": "carla@example.com"}, 40),
        ({"mappingfield": "0"}, {"email": "carla@example.com"}, 40),
        ({"mappingfield": "username"}, {"username": "carla"}, 40),
        ({"mappingfield": "idnumber"}, {"idnumber": "EST-0040"}, 40),
        ({"mappingfield": "idnumber"}, {"idnumber": "007"}, 46),
        ({"mappingfield": "username", "iprestriction": True}, {"username": "carla", "ip": "192.168.1.10"}, 40),
        ({"mappingfield": "username", "iprestriction": True}, {"username": "carla", "ip": "proxy.example.com"}, 40),
        ({"mappingfield": "email", "createuser": True}, {"email": "carla@example.com", "firstname": "Carla"}, 40),
        ({"mappingfield": "idnumber", "updateuser": True}, {"idnumber": "EST-0041", "username": "userkeyuser"}, 41),
    ],
)
@pytest.mark.parametrize("fmt", ["json", "xml"])
def test_login_url_for_each_mapping(
    rest: RestFactory, config: dict[str, Any], user: dict[str, str], userid: int, fmt: str
) -> None:
    h = rest(**settings(**config))
    assert_login_url(h, request(h, fmt=fmt, **user), userid, fmt)


@pytest.mark.parametrize(
    ("mapping", "value"),
    [("email", ""), ("username", ""), ("username", "0"), ("idnumber", ""), ("idnumber", "0")],
)
def test_empty_mapping_value(rest: RestFactory, mapping: str, value: str) -> None:
    h = rest(**settings(mappingfield=mapping))
    assert_invalid(request(h, **{mapping: value}), f'Required field "{mapping}" is not set or empty.')


def test_junk_mapping_field_has_no_key_and_is_never_set(rest: RestFactory) -> None:
    h = rest(**settings(mappingfield="city"))
    assert_invalid(request(h), "Missing required key in single structure: user")
    assert_invalid(request(h, city="Valparaíso"), f"user => {P}: Unexpected keys (city) detected in parameter array.")
    created = rest(**settings(mappingfield="city", createuser=True))
    assert_invalid(request(created, firstname="X"), 'Required field "city" is not set or empty.')


# --- function body: plugin, capability, lookup (§2.4, §4.2) ---------------------------------------


def test_plugin_disabled(rest: RestFactory) -> None:
    h = rest(moodle={"auth": ["manual"], "debug": "normal"})
    u.assert_rest(
        request(h, username="carla"),
        u.json_error(
            "webservice_access_exception",
            "accessexception",
            "Access control exception",
            "The userkey authentication plugin is disabled.",
        ),
    )
    assert h.tenant.store.user_keys() == []


def test_capability_missing(rest: RestFactory) -> None:
    h = rest(moodle={"debug": "developer"})
    u.assert_rest(
        request(h, token=u.NOCAP, username="carla"),
        u.json_error(
            "required_capability_exception",
            "nopermissions",
            "Sorry, but you do not currently have permissions to do that (Generate login user key).",
        ),
    )


def test_user_not_found(rest: RestFactory) -> None:
    h = rest(moodle={"debug": "normal"})
    assert_invalid(request(h, username="nobody"), "User is not exist")


@pytest.mark.parametrize(
    ("user", "userid"),
    [
        ({"username": "susana"}, 44),  # suspended users still get a key (issue #55)
        ({"username": "borrado"}, 45),  # a deleted user whose row still matches
        ({"username": "userkeyuser"}, 41),
        ({"username": "admin"}, 2),
        ({"username": "guest"}, 1),
    ],
)
def test_lookup_ignores_user_state(rest: RestFactory, user: dict[str, str], userid: int) -> None:
    h = rest()
    assert_login_url(h, request(h, **user), userid)


@pytest.mark.parametrize(("mapping", "value"), [("email", "gemelos@example.com"), ("idnumber", "EST-DUP")])
def test_several_matches_take_the_first(rest: RestFactory, mapping: str, value: str) -> None:
    h = rest(**settings(mappingfield=mapping))
    assert_login_url(h, request(h, **{mapping: value}), 42)


def test_lookup_is_exact(rest: RestFactory) -> None:
    h = rest(**settings(mappingfield="idnumber"))
    assert_invalid(request(h, idnumber="7"), "User is not exist")
    assert_invalid(request(h, idnumber="est-0040"), "User is not exist")
    email = rest(**settings(mappingfield="email"))
    assert_invalid(request(email, email="CARLA@example.com"), "User is not exist")


def test_developer_debug_message_suffix(rest: RestFactory) -> None:
    h = rest(moodle={"debug": "developer"}, auth_userkey={"mappingfield": "email"})
    u.assert_rest(
        request(h, username="nobody"),
        u.json_error(
            "invalid_parameter_exception",
            "invalidparameter",
            f"{P} (user => {P} (Missing required key in single structure: email): "
            "Missing required key in single structure: email)",
            f"user => {P} (Missing required key in single structure: email): "
            "Missing required key in single structure: email",
        ),
    )
    u.assert_rest(
        request(h, email="nobody@example.com"),
        u.json_error(
            "invalid_parameter_exception", "invalidparameter", f"{P} (User is not exist)", "User is not exist"
        ),
    )


def test_xml_error(rest: RestFactory) -> None:
    h = rest(moodle={"debug": "normal"})
    u.assert_rest(request(h, fmt="xml", username="nobody"), u.xml_error(*INVALID, "User is not exist"), "xml")


# --- create (§4.3) ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("mapping", "user", "missing"),
    [
        ("username", {"username": "nuevo"}, "email,firstname,lastname"),
        ("username", {"username": "nuevo", "firstname": "N", "lastname": "0"}, "email,lastname"),
        ("username", {"username": "nuevo", "email": "n@example.com", "firstname": "", "lastname": "L"}, "firstname"),
        ("email", {"email": "n@example.com"}, "username,firstname,lastname"),
        ("email", {"email": "n@example.com", "username": "0", "firstname": "N", "lastname": "L"}, "username"),
        ("idnumber", {"idnumber": "NEW-1", "lastname": "L"}, "username,email,firstname"),
    ],
)
def test_create_missing_values(rest: RestFactory, mapping: str, user: dict[str, str], missing: str) -> None:
    h = rest(**settings(mappingfield=mapping, createuser=True))
    assert_invalid(request(h, **user), f"Unable to create user, missing value(s): {missing}")


NEW_USER = {"firstname": "Nueva", "lastname": "Persona"}


@pytest.mark.parametrize(
    ("mapping", "user", "debuginfo"),
    [
        ("email", {"email": "new@example.com", "username": "carla", **NEW_USER}, "Username already exists: carla"),
        (
            "username",
            {"username": "nueva", "email": "not-an-email", **NEW_USER},
            "Email address is invalid: not-an-email",
        ),
        ("username", {"username": "nueva", "email": "a@b", **NEW_USER}, "Email address is invalid: a@b"),
        (
            "username",
            {"username": "nueva", "email": "carla@example.com", **NEW_USER},
            "Email address already exists: carla@example.com",
        ),
        # Order: username before email validity before email uniqueness.
        (
            "idnumber",
            {"idnumber": "N-1", "username": "carla", "email": "bad", **NEW_USER},
            "Username already exists: carla",
        ),
        (
            "idnumber",
            {"idnumber": "N-1", "username": "nueva", "email": "bad", **NEW_USER},
            "Email address is invalid: bad",
        ),
    ],
)
def test_create_refusals(rest: RestFactory, mapping: str, user: dict[str, str], debuginfo: str) -> None:
    h = rest(**settings(mappingfield=mapping, createuser=True))
    before = len(h.tenant.store.users())
    assert_invalid(request(h, **user), debuginfo)
    assert len(h.tenant.store.users()) == before
    assert h.tenant.store.user_keys() == []


def test_create_user(rest: RestFactory) -> None:
    h = rest(**settings(mappingfield="idnumber", createuser=True, iprestriction=True))
    response = request(
        h, idnumber="NEW-77", ip="10.9.8.7", username="nueva", email="nueva@example.com", firstname="Nue", lastname="Va"
    )
    assert_login_url(h, response, 48)
    user = h.tenant.store.user(48)
    assert user is not None
    facts = (user.username, user.email, user.firstname, user.lastname, user.idnumber, user.auth, user.confirmed)
    assert facts == ("nueva", "nueva@example.com", "Nue", "Va", "NEW-77", "userkey", True)
    assert (user.lang, user.password, user.suspended, user.deleted) == ("en", "", False, False)
    # The second call finds the created user.
    again = request(h, idnumber="NEW-77", ip="10.9.8.7")
    assert_login_url(h, again, 48)
    assert len(h.tenant.store.users()) == 23


def test_create_with_same_email_allowed(rest: RestFactory) -> None:
    h = rest(moodle={"allowaccountssameemail": True}, auth_userkey={"mappingfield": "username", "createuser": True})
    response = request(h, username="otra", email="carla@example.com", firstname="Otra", lastname="Carla")
    assert_login_url(h, response, 48)
    assert [x.id for x in h.tenant.store.find_users("email", "carla@example.com")] == [40, 48]


def test_create_takes_site_language(rest: RestFactory) -> None:
    h = rest(moodle={"lang": "es"}, auth_userkey={"mappingfield": "username", "createuser": True})
    assert_login_url(h, request(h, username="nueva", email="n@example.com", firstname="N", lastname="V"), 48)
    user = h.tenant.store.user(48)
    assert user is not None and user.lang == "es"


# --- update (§4.4) ---------------------------------------------------------------------------------


def test_update_changes_supplied_fields_and_auth(rest: RestFactory) -> None:
    h = rest(**settings(mappingfield="username", updateuser=True))
    response = request(h, username="carla", email="carla.new@example.com", firstname="Carlita")
    assert_login_url(h, response, 40)
    user = h.tenant.store.user(40)
    assert user is not None
    facts = (user.firstname, user.lastname, user.email, user.auth, user.city, user.idnumber, user.password)
    assert facts == ("Carlita", "Muñoz", "carla.new@example.com", "userkey", "Valparaíso", "EST-0040", "Carla1234!")


def test_update_converts_auth_even_without_other_changes(rest: RestFactory) -> None:
    h = rest(**settings(mappingfield="email", updateuser=True))
    assert_login_url(h, request(h, email="carla@example.com"), 40)
    user = h.tenant.store.user(40)
    assert user is not None and user.auth == "userkey"


def test_update_without_email_for_a_changed_user_fails(rest: RestFactory) -> None:
    # Mapping username, no email sent, auth differs: the null email fails validate_email().
    h = rest(**settings(mappingfield="username", updateuser=True))
    assert_invalid(request(h, username="carla"), "Email address is invalid: ")
    user = h.tenant.store.user(40)
    assert user is not None and user.auth == "manual"


def test_update_nothing_changed_skips_validation(rest: RestFactory) -> None:
    h = rest(**settings(mappingfield="username", updateuser=True))
    assert_login_url(h, request(h, username="userkeyuser", firstname="Ulises"), 41)


def test_update_loose_comparison(rest: RestFactory) -> None:
    extra = {"id": 70, "username": "diez", "firstname": "10", "lastname": "L", "email": "diez@example.com"}
    h = rest(users=[{**extra, "auth": "userkey"}], **settings(mappingfield="username", updateuser=True))
    # '1e1' == '10' in PHP: nothing changed, nothing written, no email needed.
    assert_login_url(h, request(h, username="diez", firstname="1e1"), 70)
    user = h.tenant.store.user(70)
    assert user is not None and user.firstname == "10"


@pytest.mark.parametrize(
    ("user", "debuginfo"),
    [
        ({"email": "carla@example.com", "username": "alumno1"}, "Username already exists: alumno1"),
        ({"email": "carla@example.com", "username": "carla", "firstname": "x"}, None),
        ({"email": "carla@example.com", "username": "nuevo"}, None),
    ],
)
def test_update_username(rest: RestFactory, user: dict[str, str], debuginfo: str | None) -> None:
    h = rest(**settings(mappingfield="email", updateuser=True))
    response = request(h, **user)
    if debuginfo is None:
        assert_login_url(h, response, 40)
        stored = h.tenant.store.user(40)
        assert stored is not None and stored.username == user["username"]
    else:
        assert_invalid(response, debuginfo)


@pytest.mark.parametrize(
    ("email", "debuginfo"),
    [
        ("ana.perez@example.com", "Email address already exists: ana.perez@example.com"),
        ("bad@", "Email address is invalid: bad@"),
        ("", "Email address is invalid: "),
    ],
)
def test_update_email_refusals(rest: RestFactory, email: str, debuginfo: str) -> None:
    h = rest(**settings(mappingfield="username", updateuser=True))
    assert_invalid(request(h, username="carla", email=email), debuginfo)
    user = h.tenant.store.user(40)
    assert user is not None and (user.email, user.auth) == ("carla@example.com", "manual")


def test_update_username_check_before_email(rest: RestFactory) -> None:
    h = rest(**settings(mappingfield="idnumber", updateuser=True))
    assert_invalid(request(h, idnumber="EST-0040", username="alumno1", email="bad"), "Username already exists: alumno1")


def test_createuser_and_updateuser_together(rest: RestFactory) -> None:
    h = rest(**settings(mappingfield="username", createuser=True, updateuser=True))
    assert_login_url(h, request(h, username="nueva", email="nueva@example.com", firstname="N", lastname="V"), 48)
    assert_login_url(h, request(h, username="nueva", email="nueva@example.com", firstname="Nora"), 48)
    user = h.tenant.store.user(48)
    assert user is not None and user.firstname == "Nora"


# --- keys (§4.5, §4.6) ------------------------------------------------------------------------------


def test_one_live_key_per_user(rest: RestFactory) -> None:
    h = rest()
    first = assert_login_url(h, request(h, username="carla"), 40)
    second = assert_login_url(h, request(h, username="carla"), 40)
    assert first != second
    assert h.tenant.store.user_key(first) is None
    other = assert_login_url(h, request(h, username="alumno1"), 3)
    assert {k.value for k in h.tenant.store.user_keys()} == {second, other}


@pytest.mark.parametrize(
    ("keylifetime", "seconds"),
    [
        (None, 60),
        (60, 60),
        (300, 300),
        ("300", 300),
        ("abc", 60),
        (0, 60),
        (-5, 60),
        ("30abc", 30),
        ("1e3", 1000),
        (" 45", 45),
    ],
)
def test_key_lifetime(rest: RestFactory, keylifetime: Any, seconds: int) -> None:
    config = {} if keylifetime is None else {"keylifetime": keylifetime}
    h = rest(auth_userkey=config)
    key = assert_login_url(h, request(h, username="carla"), 40)
    stored = h.tenant.store.user_key(key)
    assert stored is not None
    assert (stored.validuntil, stored.timecreated) == (u.NOW + seconds, u.NOW)


@pytest.mark.parametrize(
    ("iprestriction", "ip", "stored_ip"),
    [
        (False, None, None),
        (True, "192.168.1.10", "192.168.1.10"),
        (True, "", "127.0.0.1"),  # empty: bound to the web-service caller
        (True, "0", "127.0.0.1"),  # '0' is empty() too
        (True, "moodle.example.com", "moodle.example.com"),
    ],
)
def test_key_ip_binding(rest: RestFactory, iprestriction: bool, ip: str | None, stored_ip: str | None) -> None:
    h = rest(auth_userkey={"mappingfield": "username", "iprestriction": iprestriction})
    user = {"username": "carla"} if ip is None else {"username": "carla", "ip": ip}
    key = assert_login_url(h, request(h, **user), 40)
    stored = h.tenant.store.user_key(key)
    assert stored is not None and stored.iprestriction == stored_ip


def test_key_bound_to_trusted_caller_ip(rest: RestFactory) -> None:
    h = rest(moodle={"client_ip_header": "Client-IP"}, auth_userkey={"iprestriction": True})
    response = h.client.post(
        "/webservice/rest/server.php",
        data={
            "wstoken": u.WSUSER,
            "wsfunction": LOGIN,
            "moodlewsrestformat": "json",
            "user[username]": "carla",
            "user[ip]": "",
        },
        headers={"Client-IP": "203.0.113.9"},
    )
    key = assert_login_url(h, response, 40)
    stored = h.tenant.store.user_key(key)
    assert stored is not None and stored.iprestriction == "203.0.113.9"


def test_login_url_uses_wwwroot(rest: RestFactory) -> None:
    h = rest(moodle={"wwwroot": "https://campus.example.cl/moodle/"})
    response = request(h, username="carla")
    key = u.only_key(h, 40)
    u.assert_rest(
        response, '{"loginurl":"https:\\/\\/campus.example.cl\\/moodle\\/auth\\/userkey\\/login.php?key=' + key + '"}'
    )


def test_demo_token_and_service(rest: RestFactory) -> None:
    # The demo integration: admin's token on the restricted "User key authentication web service".
    h = rest()
    assert_login_url(h, request(h, token=u.ADMIN, username="alumno1"), 3)


def test_legacy_param_url_return_type(rest: RestFactory) -> None:
    h = rest(auth_userkey={"loginurl_return_type": "url"})
    assert_login_url(h, request(h, username="carla"), 40)
    # A wwwroot that PARAM_URL refuses (underscore in the host) fails the return value check.
    odd = rest(
        moodle={"wwwroot": "http://moodle_host/m", "debug": "normal"}, auth_userkey={"loginurl_return_type": "url"}
    )
    response = request(odd, username="carla")
    url = f"http://moodle_host/m/auth/userkey/login.php?key={u.only_key(odd, 40)}"
    u.assert_rest(
        response,
        u.json_error(
            "invalid_response_exception",
            "invalidresponse",
            "Invalid response value detected",
            f'loginurl => Invalid response value detected: Invalid external api response: the value is "{url}" '
            'of PHP type "string", the server was expecting "url" type',
        ),
    )
    raw = rest(moodle={"wwwroot": "http://moodle_host/m"})
    u.assert_rest(
        request(raw, username="carla"),
        u.php_json({"loginurl": f"http://moodle_host/m/auth/userkey/login.php?key={u.only_key(raw, 40)}"}),
    )
