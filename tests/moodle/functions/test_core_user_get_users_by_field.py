"""``core_user_get_users_by_field`` (moodle-webservice.md §4.1)."""

from __future__ import annotations

import pytest

from tests.moodle.functions import util as f
from tests.moodle.functions.conftest import ProvFactory

FN = "core_user_get_users_by_field"


def test_by_username_json_and_xml(prov: ProvFactory) -> None:
    h = prov()
    f.assert_success(h, FN, [f.ana(h)], [f.USER], field="username", **{"values[0]": "alumno1"})


@pytest.mark.parametrize(
    ("field", "values"),
    [
        ("id", ["3"]),
        ("email", ["ana.perez@example.com"]),
        ("username", ["alumno1", "alumno1"]),  # one row per user
        ("id", ["3", "999"]),  # unknown values are simply not found
    ],
)
def test_other_fields_find_the_same_user(prov_inprocess: ProvFactory, field: str, values: list[str]) -> None:
    h = prov_inprocess()
    params = {f"values[{i}]": v for i, v in enumerate(values)}
    f.assert_success(h, FN, [f.ana(h)], [f.USER], field=field, **params)


def test_idnumber_and_order_by_id(prov_inprocess: ProvFactory) -> None:
    h = prov_inprocess()
    f.edit_user(h, 3, idnumber="RUN-1")
    f.edit_user(h, 4, idnumber="RUN-2")
    response = f.call(h, FN, field="idnumber", **{"values[0]": "RUN-2", "values[1]": "RUN-1"})
    assert [(u["id"], u["idnumber"]) for u in response.json()] == [(3, "RUN-1"), (4, "RUN-2")]


def test_not_found_is_an_empty_list(prov: ProvFactory) -> None:
    h = prov()
    f.assert_success(h, FN, [], [f.USER], field="email", **{"values[0]": "nobody@example.com"})


def test_suspended_users_come_back_suspended(prov_inprocess: ProvFactory) -> None:
    h = prov_inprocess()
    f.edit_user(h, 3, suspended=True)
    f.assert_success(h, FN, [f.ana(h, suspended=True)], [f.USER], field="id", **{"values[0]": "3"})


def test_a_caller_without_view_rights_sees_nobody_but_themself(prov_inprocess: ProvFactory) -> None:
    h = prov_inprocess()
    f.assert_success(h, FN, [], [f.USER], token=f.CALLER, field="id", **{"values[0]": "3"})
    own = f.call(h, FN, token=f.CALLER, field="username", **{"values[0]": "caller"}).json()
    assert [u["username"] for u in own] == ["caller"]
    assert own[0]["city"] == "Santiago" and own[0]["country"] == "CL"
    assert own[0]["preferences"] == []  # only one's own record carries preferences


@pytest.mark.parametrize(
    ("field", "value", "cleaned"),
    [
        ("username", "JDoe", "jdoe"),
        ("username", " alumno1", "alumno1"),
        ("email", " ana.perez@example.com ", "ana.perez@example.com"),
        ("id", "3abc", "3"),
        ("id", "abc", "0"),
    ],
)
def test_value_that_cleaning_changes(prov_inprocess: ProvFactory, field: str, value: str, cleaned: str) -> None:
    h = prov_inprocess()
    debuginfo = f"The field '{field}' value is invalid: {value}(cleaned value: {cleaned})"
    f.assert_error(
        h,
        FN,
        "invalid_parameter_exception",
        "invalidparameter",
        f.LANGS,
        debuginfo,
        field=field,
        **{"values[0]": value},
    )


def test_unsupported_field_is_a_coding_error(prov: ProvFactory) -> None:
    h = prov()
    f.assert_error(
        h,
        FN,
        "coding_exception",
        "codingerror",
        {
            "en": "Coding error detected, it must be fixed by a programmer: invalid field parameter",
            "es": "Detectado un error de codificación, debe ser corregido por un programador: invalid field parameter",
        },
        "The search field 'auth' is not supported, look at the web service documentation",
        field="auth",
        **{"values[0]": "manual"},
    )


def test_deleted_user_by_id_fails_the_call(prov_inprocess: ProvFactory) -> None:
    h = prov_inprocess()
    f.assert_error(
        h, FN, "dml_missing_record_exception", "invaliduser", "Invalid user", field="id", **{"values[0]": "11"}
    )


@pytest.mark.parametrize(
    ("params", "path", "inner"),
    [
        ({}, [], "Missing required key in single structure: field"),
        ({"field": "id"}, [], "Missing required key in single structure: values"),
        ({"field": "id", "values": "3"}, ["values"], "Only arrays accepted. The bad value is: '3'"),
        (
            {"field": "user_name", "values[0]": "x"},
            ["field"],
            'Invalid external api parameter: the value is "user_name", the server was expecting "alpha" type',
        ),
        ({"field": "id", "values[0]": "3", "lang": "es"}, [], "Unexpected keys (lang) detected in parameter array."),
        (
            {"field": "id", "values[0][x]": "3"},
            ["values"],
            "Scalar type expected, array or object received.",
        ),
    ],
)
def test_validation_paths(prov_inprocess: ProvFactory, params: dict[str, str], path: list[str], inner: str) -> None:
    h = prov_inprocess()
    f.assert_invalid_param(h, FN, path, inner, **params)
