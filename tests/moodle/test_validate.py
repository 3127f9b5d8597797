"""``external_api::validate_parameters`` (moodle-webservice.md §5.1, §5.2) on its own."""

from __future__ import annotations

from typing import Any

import pytest

from mockserver.moodle.errors import DebugLevel, DebugSettings, MoodleException
from mockserver.moodle.params import ParamCleaner
from mockserver.moodle.webservice.description import DEFAULT, OPTIONAL, Multiple, Single, Value
from mockserver.moodle.webservice.validate import ParameterValidator

CLEANER = ParamCleaner(wwwroot="http://h", languages=("en", "es"), auth_plugins=("manual", "userkey"))
P = "Invalid parameter value detected"


def validate(description: Any, params: Any, debug: DebugLevel = DebugLevel.NONE, lang: str = "en") -> Any:
    return ParameterValidator(CLEANER, lang, DebugSettings(debug)).validate(description, params)


def refused(description: Any, params: Any, debug: DebugLevel = DebugLevel.NONE, lang: str = "en") -> MoodleException:
    with pytest.raises(MoodleException) as raised:
        validate(description, params, debug, lang)
    assert (raised.value.kind, raised.value.errorcode) == ("invalid_parameter_exception", "invalidparameter")
    return raised.value


def expecting(value: str, param_type: str) -> str:
    return f'Invalid external api parameter: the value is "{value}", the server was expecting "{param_type}" type'


@pytest.mark.parametrize(
    ("param_type", "value", "cleaned"),
    [
        ("int", "12", 12),
        ("int", "-3", -3),
        ("int", "0", 0),
        ("bool", "0", False),
        ("bool", "1", True),
        ("float", "1.5", 1.5),
        ("float", "-.5", -0.5),
        ("float", "1e3", 1000.0),
        ("float", "12", 12.0),
        ("float", "1.", 1.0),
        ("raw", "anything <b>goes</b> ñ", "anything <b>goes</b> ñ"),
        ("raw_trimmed", "a@b.c", "a@b.c"),
        ("alphanumext", "abc-_1", "abc-_1"),
        ("username", "jdoe", "jdoe"),
        ("email", "a@b.com", "a@b.com"),
        ("email", "", ""),  # '' survives cleaning unchanged
        ("username", "", ""),
        ("notags", "a < b", "a < b"),
        ("lang", "es", "es"),
        ("auth", "userkey", "userkey"),
        ("host", "example.com", "example.com"),
        ("url", "http://x.org/a", "http://x.org/a"),
        ("timezone", "America/Santiago", "America/Santiago"),
    ],
)
def test_scalar_accepted(param_type: str, value: str, cleaned: Any) -> None:
    assert validate(Value(param_type), value) == cleaned


@pytest.mark.parametrize(
    ("param_type", "value"),
    [
        ("int", "012"),
        ("int", "+5"),
        ("int", " 12"),
        ("int", "1.0"),
        ("int", "12abc"),
        ("int", ""),
        ("int", "99999999999999999999"),
        ("bool", "true"),
        ("bool", "True"),
        ("bool", "yes"),
        ("bool", ""),
        ("bool", "2"),
        ("float", "1,5"),
        ("float", " 1.5"),
        ("float", "abc"),
        ("float", "0x1A"),
        ("float", "."),
        ("raw", "bad \udcff byte"),
        ("raw_trimmed", " a@b.c"),
        ("raw_trimmed", "a@b.c\n"),
        ("username", "JDoe"),
        ("username", "j doe"),
        ("username", "josé"),
        ("email", "a@b"),
        ("notags", "<b>x</b>"),
        ("lang", "fr"),
        ("auth", "ldap"),
        ("alphanumext", "a b"),
        ("url", "javascript:x"),
    ],
)
def test_scalar_rejected(param_type: str, value: str) -> None:
    assert refused(Value(param_type), value).debuginfo == expecting(value, param_type)


def test_arrays_where_scalars_are_expected() -> None:
    assert refused(Value("int"), {"0": "1"}).debuginfo == "Scalar type expected, array or object received."


def test_null_only_when_allowed() -> None:
    assert validate(Value("int", allownull=True), None) is None
    assert refused(Value("int"), None).debuginfo == expecting("", "int")


USERS = Multiple(
    Single(
        {
            "username": Value("username"),
            "email": Value("raw_trimmed"),
            "auth": Value("auth", presence=DEFAULT, default="manual"),
            "city": Value("text", presence=OPTIONAL),
        }
    )
)
TOP = Single({"users": USERS, "values": Multiple(Value("raw"), presence=DEFAULT, default=[])})


def test_structures_defaults_and_list_keys() -> None:
    params = {
        "users": {"7": {"email": "a@b.c", "username": "ana"}, "2": {"username": "bo", "email": "b@c.d", "city": "X"}}
    }
    assert validate(TOP, params) == {
        "users": [
            {"username": "ana", "email": "a@b.c", "auth": "manual"},
            {"username": "bo", "email": "b@c.d", "auth": "manual", "city": "X"},
        ],
        "values": [],
    }


@pytest.mark.parametrize(
    ("params", "debuginfo"),
    [
        ({}, "Missing required key in single structure: users"),
        ({"users": {"0": {"username": "ana"}}}, f"users => {P}: Missing required key in single structure: email"),
        (
            {"users": {"0": {"username": "JDoe", "email": "x"}}},
            f"users => {P}: username => {P}: {expecting('JDoe', 'username')}",
        ),
        ({"users": {"0": {}}, "lang": "es"}, f"users => {P}: Missing required key in single structure: username"),
        ({"users": {}, "values": "abc"}, f"values => {P}: Only arrays accepted. The bad value is: 'abc'"),
        ({"users": "abc"}, f"users => {P}: Only arrays accepted. The bad value is: 'abc'"),
        ({"users": {}, "lang": "es"}, "Unexpected keys (lang) detected in parameter array."),
        ({"users": {}, "b": "1", "a": "2"}, "Unexpected keys (b, a) detected in parameter array."),
        (
            {"users": {"0": {"username": "a", "email": "b", "x": "1", "y": "2"}}},
            f"users => {P}: Unexpected keys (x, y) detected in parameter array.",
        ),
        (
            {"users": {"0": {"username": "a", "email": "b", "auth": "nologin"}}},
            f"users => {P}: auth => {P}: {expecting('nologin', 'auth')}",
        ),
    ],
)
def test_paths(params: dict[str, Any], debuginfo: str) -> None:
    error = refused(TOP, params)
    assert error.debuginfo == debuginfo
    assert error.message("en", DebugSettings()) == P


def test_paths_in_spanish_and_developer_mode() -> None:
    es = "Detectado valor de parámetro no válido"
    params = {"users": {"0": {"username": "ana"}}}
    assert (
        refused(TOP, params, lang="es").debuginfo == f"users => {es}: Missing required key in single structure: email"
    )
    developer = refused(TOP, params, DebugLevel.DEVELOPER)
    inner = "Missing required key in single structure: email"
    assert developer.debuginfo == f"users => {P} ({inner}): {inner}"
    assert developer.message("en", DebugSettings(DebugLevel.DEVELOPER)) == f"{P} (users => {P} ({inner}): {inner})"
