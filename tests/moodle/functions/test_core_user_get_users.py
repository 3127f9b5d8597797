"""``core_user_get_users`` (moodle-webservice.md §4.4): AND of criteria, LIKE keys, warnings, keyalreadyset."""

from __future__ import annotations

from typing import Any

import pytest

from tests.moodle.functions import util as f
from tests.moodle.functions.conftest import ProvFactory

FN = "core_user_get_users"
SHAPE: f.Shape = {"users": [f.USER], "warnings": f.WARNINGS}


def criteria(*pairs: tuple[str, str]) -> dict[str, str]:
    params = {}
    for i, (key, value) in enumerate(pairs):
        params[f"criteria[{i}][key]"] = key
        params[f"criteria[{i}][value]"] = value
    return params


def test_by_username_json_and_xml(prov: ProvFactory) -> None:
    h = prov()
    f.assert_success(h, FN, {"users": [f.ana(h)], "warnings": []}, SHAPE, **criteria(("username", "alumno1")))


@pytest.mark.parametrize(
    ("pairs", "ids"),
    [
        ((("email", "%@EXAMPLE.com"),), [2, 3, 4, 5, 10]),  # LIKE, any case; deleted users excluded
        ((("lastname", "p_rez"),), [3]),
        ((("firstname", "ana"), ("lastname", "Soto")), []),  # AND
        ((("auth", "manual"), ("id", "4")), [4]),
        ((("idnumber", ""), ("username", "docente1")), [5]),
        ((("username", "ALUMNO1"),), []),  # equality, not LIKE
    ],
)
def test_criteria(prov_inprocess: ProvFactory, pairs: tuple[tuple[str, str], ...], ids: list[int]) -> None:
    h = prov_inprocess()
    body = f.call(h, FN, **criteria(*pairs)).json()
    assert [user["id"] for user in body["users"]] == ids
    assert body["warnings"] == []


def test_unknown_key_is_a_warning(prov: ProvFactory) -> None:
    h = prov()
    expected: dict[str, Any] = {
        "users": [f.ana(h)],
        "warnings": [
            {
                "item": "city",
                "warningcode": "invalidfieldparameter",
                "message": "The search key 'city' is not supported, look at the web service documentation",
            }
        ],
    }
    f.assert_success(h, FN, expected, SHAPE, **criteria(("city", "x"), ("id", "3")))


def test_same_key_twice(prov: ProvFactory) -> None:
    h = prov()
    f.assert_error(
        h,
        FN,
        "moodle_exception",
        "keyalreadyset",
        "error/keyalreadyset",
        "The key id can only be sent once",
        **criteria(("id", "3"), ("id", "4")),
    )


@pytest.mark.parametrize(
    ("params", "path", "inner"),
    [
        ({}, [], "Missing required key in single structure: criteria"),
        (
            criteria(("email", "x")) | {"criteria[0][extra]": "1"},
            ["criteria"],
            "Unexpected keys (extra) detected in parameter array.",
        ),
        (
            criteria(("e-mail", "x")),
            ["criteria", "key"],
            'Invalid external api parameter: the value is "e-mail", the server was expecting "alpha" type',
        ),
    ],
)
def test_validation_paths(prov_inprocess: ProvFactory, params: dict[str, str], path: list[str], inner: str) -> None:
    h = prov_inprocess()
    f.assert_invalid_param(h, FN, path, inner, **params)
