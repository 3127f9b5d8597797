"""``core_user_create_users`` (moodle-webservice.md §4.2): checks in order, password policy, one
transaction (the first error aborts the call and nothing is created)."""

from __future__ import annotations

from typing import Any

import pytest

from tests.harness import Harness
from tests.moodle import util as u
from tests.moodle.functions import util as f
from tests.moodle.functions.conftest import ProvFactory

FN = "core_user_create_users"
SHAPE: f.Shape = [f.keys("id", "username")]


def user(i: int = 0, /, **fields: str) -> dict[str, str]:
    base = {
        "username": "jdoe",
        "firstname": "John",
        "lastname": "Doe",
        "email": "jdoe@example.com",
        "password": "Secret12!",
    }
    base.update(fields)
    return {f"users[{i}][{k}]": v for k, v in base.items()}


def usernames(h: Harness) -> list[str]:
    return sorted(u.username for u in h.tenant.store.users())


def test_create_json(prov: ProvFactory) -> None:
    h = prov()
    got = f.call(h, FN, **user(), **user(1, username="mary", email="mary@example.com"))
    assert got.text == '[{"id":12,"username":"jdoe"},{"id":13,"username":"mary"}]'
    created = f.call(h, "core_user_get_users_by_field", field="id", **{"values[0]": "12"}).json()
    assert created == [
        {
            "id": 12,
            "username": "jdoe",
            "firstname": "John",
            "lastname": "Doe",
            "fullname": "John Doe",
            "email": "jdoe@example.com",
            "department": "",
            "firstaccess": 0,
            "lastaccess": 0,
            "auth": "manual",
            "suspended": False,
            "confirmed": True,
            "lang": "en",
            "theme": "",
            "timezone": "99",
            "mailformat": 1,
            "description": "",
            "descriptionformat": 1,
            "profileimageurlsmall": f.picture(h, "f2"),
            "profileimageurl": f.picture(h, "f1"),
        }
    ]


def test_create_xml(prov: ProvFactory) -> None:
    h = prov()
    response = f.call(h, FN, "xml", **user())
    u.assert_rest(response, f.xml_body([{"id": 12, "username": "jdoe"}], SHAPE), "xml")


def test_optional_fields_are_stored(prov_inprocess: ProvFactory) -> None:
    h = prov_inprocess()
    extra = user(
        city="Valparaíso",
        country="CL",
        idnumber="RUN-9",
        lang="es",
        **{"customfields][0][type": "runalumno", "customfields][0][value": "9-9"},
    )
    f.call(h, FN, **extra)
    stored = h.tenant.store.user(12)
    assert stored is not None
    assert (stored.city, stored.country, stored.idnumber, stored.lang, stored.profile) == (
        "Valparaíso",
        "CL",
        "RUN-9",
        "es",
        {"runalumno": "9-9"},
    )
    assert stored.confirmed and stored.auth == "manual" and stored.password == "Secret12!"


def test_createpassword_sets_forcepasswordchange(prov_inprocess: ProvFactory) -> None:
    h = prov_inprocess()
    params = user(createpassword="1")
    del params["users[0][password]"]
    assert f.call(h, FN, **params).text == '[{"id":12,"username":"jdoe"}]'
    stored = h.tenant.store.user(12)
    assert stored is not None and stored.preferences == {"auth_forcepasswordchange": "1"}


ORDER_CASES: dict[str, tuple[dict[str, str], str]] = {
    "blank username": ({"username": ""}, "The field username cannot be blank"),
    "blank firstname": ({"firstname": " "}, "The field firstname cannot be blank"),
    "blank lastname": ({"lastname": ""}, "The field lastname cannot be blank"),
    "username taken": ({"username": "alumno1", "email": "x"}, "Username already exists: alumno1"),
    "auth mnet": ({"auth": "mnet", "email": "x"}, "Invalid authentication type: mnet"),
    "auth webservice": ({"auth": "webservice"}, "Invalid authentication type: webservice"),
    "no password": ({"password": "", "email": "x"}, "Invalid password: you must provide a password, or set createpassword."),  # noqa: E501
    "email invalid": ({"email": "not-an-email"}, "Email address is invalid: not-an-email"),
    "email taken": ({"email": "ana.perez@example.com"}, "Email address already exists: ana.perez@example.com"),
    "email taken any case": ({"email": "ANA.Perez@example.com"}, "Email address already exists: ANA.Perez@example.com"),
}  # fmt: skip


@pytest.mark.parametrize("name", ORDER_CASES)
def test_checks_in_order(prov_inprocess: ProvFactory, name: str) -> None:
    h = prov_inprocess()
    fields, debuginfo = ORDER_CASES[name]
    before = usernames(h)
    f.assert_error(h, FN, "invalid_parameter_exception", "invalidparameter", f.LANGS, debuginfo, **user(**fields))
    assert usernames(h) == before


def test_an_external_auth_needs_no_password(prov_inprocess: ProvFactory) -> None:
    h = prov_inprocess()
    assert f.call(h, FN, **user(auth="ldap", password="")).text == '[{"id":12,"username":"jdoe"}]'


def test_lang_and_theme_failing_cleaning_are_parameter_errors(prov_inprocess: ProvFactory) -> None:
    # PARAM_LANG / PARAM_THEME clean an uninstalled value to '' and strict validation rejects it first.
    h = prov_inprocess()
    for field, kind in (("lang", "lang"), ("theme", "theme"), ("auth", "auth")):
        inner = f'Invalid external api parameter: the value is "xx", the server was expecting "{kind}" type'
        f.assert_invalid_param(h, FN, ["users", field], inner, **user(**{field: "xx"}))


def test_second_user_duplicates_the_first(prov_inprocess: ProvFactory) -> None:
    h = prov_inprocess()
    params = {**user(), **user(1, email="other@example.com")}
    f.assert_error(
        h, FN, "invalid_parameter_exception", "invalidparameter", f.LANGS, "Username already exists: jdoe", **params
    )
    assert h.tenant.store.user(12) is None  # the first one was rolled back too


POLICY = (
    "<div>Passwords must be at least 8 characters long.</div>"
    "<div>Passwords must have at least 1 digit(s).</div>"
    "<div>Passwords must have at least 1 upper case letter(s).</div>"
    "<div>The password must have at least 1 special character(s) such as *, -, or #.</div>"
)


def test_password_policy_errorcode_is_the_policy_html(prov: ProvFactory) -> None:
    h = prov()
    params = {**user(username="first", email="first@example.com"), **user(1, password="abc")}
    f.assert_error(h, FN, "moodle_exception", POLICY, f"error/{POLICY}", **params)
    assert h.tenant.store.user(12) is None  # "first" passed but the transaction aborted
    assert f.call(h, FN, **user(password="abc")).text == u.json_error("moodle_exception", POLICY, f"error/{POLICY}")


@pytest.mark.parametrize(
    ("password", "policy"),
    [
        ("Abcdefg1!", ""),
        ("ABCDEFG1!", "<div>Passwords must have at least 1 lower case letter(s).</div>"),
        ("abcdefgh1A", "<div>The password must have at least 1 special character(s) such as *, -, or #.</div>"),
    ],
)
def test_password_policy_rules(prov_inprocess: ProvFactory, password: str, policy: str) -> None:
    h = prov_inprocess()
    body = f.call(h, FN, **user(password=password)).text
    if policy:
        assert body == u.json_error("moodle_exception", policy, f"error/{policy}")
    else:
        assert body == '[{"id":12,"username":"jdoe"}]'


def test_policy_off_accepts_any_password(prov_inprocess: ProvFactory) -> None:
    h = prov_inprocess(moodle={"passwordpolicy": False})
    assert f.call(h, FN, **user(password="a")).text == '[{"id":12,"username":"jdoe"}]'


def test_same_email_allowed_when_configured(prov_inprocess: ProvFactory) -> None:
    h = prov_inprocess(moodle={"allowaccountssameemail": True})
    assert f.call(h, FN, **user(email="ana.perez@example.com")).text == '[{"id":12,"username":"jdoe"}]'


def test_needs_moodle_user_create(prov: ProvFactory) -> None:
    h = prov()
    f.assert_error(
        h,
        FN,
        "required_capability_exception",
        "nopermissions",
        "Sorry, but you do not currently have permissions to do that (Create users).",
        token=f.CALLER,
        **user(),
    )


VALIDATION: list[tuple[dict[str, Any], list[str], str]] = [
    ({}, [], "Missing required key in single structure: users"),
    ({"users": "x"}, ["users"], "Only arrays accepted. The bad value is: 'x'"),
    (
        {k: v for k, v in user().items() if k != "users[0][email]"},
        ["users"],
        "Missing required key in single structure: email",
    ),
    (
        {k: v for k, v in user().items() if k != "users[0][username]"},
        ["users"],
        "Missing required key in single structure: username",
    ),
    (
        user(username="JDoe"),
        ["users", "username"],
        'Invalid external api parameter: the value is "JDoe", the server was expecting "username" type',
    ),
    (
        user(email=" jdoe@example.com"),
        ["users", "email"],
        'Invalid external api parameter: the value is " jdoe@example.com", the server was expecting "raw_trimmed" type',
    ),
    (
        user(firstname="<b>John</b>"),
        ["users", "firstname"],
        'Invalid external api parameter: the value is "<b>John</b>", the server was expecting "notags" type',
    ),
    (
        user(createpassword="true"),
        ["users", "createpassword"],
        'Invalid external api parameter: the value is "true", the server was expecting "bool" type',
    ),
    (
        user(maildisplay="01"),
        ["users", "maildisplay"],
        'Invalid external api parameter: the value is "01", the server was expecting "int" type',
    ),
    (user(nickname="jd"), ["users"], "Unexpected keys (nickname) detected in parameter array."),
    (
        user(**{"customfields][0][value": "x"}),
        ["users", "customfields"],
        "Missing required key in single structure: type",
    ),
]


@pytest.mark.parametrize(("params", "path", "inner"), VALIDATION)
def test_validation_paths(prov_inprocess: ProvFactory, params: dict[str, Any], path: list[str], inner: str) -> None:
    h = prov_inprocess()
    f.assert_invalid_param(h, FN, path, inner, **params)
