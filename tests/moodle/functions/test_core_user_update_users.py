"""``core_user_update_users`` (moodle-webservice.md §4.3): 4.0+ per-user transactions and warnings."""

from __future__ import annotations

from typing import Any

import pytest

from tests.moodle import util as u
from tests.moodle.functions import util as f
from tests.moodle.functions.conftest import ProvFactory

FN = "core_user_update_users"
SHAPE: f.Shape = {"warnings": f.WARNINGS}


def users(*rows: dict[str, Any]) -> dict[str, str]:
    return {f"users[{i}][{k}]": str(v) for i, row in enumerate(rows) for k, v in row.items()}


def warning(userid: int, code: str, message: str) -> dict[str, Any]:
    return {"item": "user", "itemid": userid, "warningcode": code, "message": message}


def test_update_json_and_xml(prov: ProvFactory) -> None:
    h = prov()
    f.assert_success(h, FN, {"warnings": []}, SHAPE, **users({"id": 3, "firstname": "Anita", "city": "Arica"}))
    stored = h.tenant.store.user(3)
    assert stored is not None and (stored.firstname, stored.city, stored.lastname) == ("Anita", "Arica", "Pérez")


def test_warnings_per_user_and_the_rest_is_saved(prov: ProvFactory) -> None:
    h = prov()
    params = users(
        {"id": 3, "firstname": "Anita"},
        {"id": 999, "firstname": "X"},
        {"id": 4, "email": "ana.perez@example.com"},
        {"id": 11, "firstname": "Y"},
        {"id": 5, "email": "bad address"},
    )
    expected = {
        "warnings": [
            warning(999, "invaliduserid", "Invalid user ID"),
            warning(4, "useremailduplicate", "Duplicate address"),
            warning(11, "usernotupdateddeleted", "error/usernotupdateddeleted"),
            warning(5, "useremailinvalid", "error/useremailinvalid"),
        ]
    }
    f.assert_success(h, FN, expected, SHAPE, **params)
    stored = h.tenant.store.user(3)
    assert stored is not None and stored.firstname == "Anita"


def test_developer_debug_appends_debuginfo_to_the_warning(prov_inprocess: ProvFactory) -> None:
    h = prov_inprocess(moodle={"debug": "developer"})
    body = f.call(h, FN, **users({"id": 999}, {"id": 4, "email": "ana.perez@example.com"})).json()
    assert body == {
        "warnings": [
            warning(999, "invaliduserid", "Invalid user ID (Invalid user ID)"),
            warning(4, "useremailduplicate", "Duplicate address (Duplicate email address)"),
        ]
    }


def test_non_admin_cannot_update_an_admin(prov_inprocess: ProvFactory) -> None:
    h = prov_inprocess(services=[{"name": "Caller service", "functions": [FN]}])
    f.edit_user(h, 10, capabilities=frozenset({"webservice/rest:use", "moodle/user:update"}))
    body = f.call(h, FN, token=f.CALLER, **users({"id": 2, "firstname": "Hacked"})).json()
    assert body == {"warnings": [warning(2, "usernotupdatedadmin", "Cannot update admin accounts")]}


def test_suspend_ends_sessions_and_rename_is_stored(prov_inprocess: ProvFactory) -> None:
    h = prov_inprocess()
    assert u.login_form(h, "alumno1", "Alumno1234!").status_code == 303
    assert u.whoami(h) == "Ana Pérez"
    assert f.call(h, FN, **users({"id": 3, "suspended": 1, "username": "ana.perez"})).text == '{"warnings":[]}'
    assert u.whoami(h) is None
    stored = h.tenant.store.user(3)
    assert stored is not None and stored.suspended and stored.username == "ana.perez"


def test_weak_password_is_an_invalid_response(prov_inprocess: ProvFactory) -> None:
    # §4.3 [inferred]: the policy HTML becomes the warningcode, which fails PARAM_ALPHANUM on return.
    h = prov_inprocess()
    body = f.call(h, FN, **users({"id": 3, "password": "abc"})).json()
    assert (body["exception"], body["errorcode"]) == ("invalid_response_exception", "invalidresponse")


def test_needs_moodle_user_update(prov_inprocess: ProvFactory) -> None:
    h = prov_inprocess(services=[{"name": "Caller service", "functions": [FN]}])
    f.assert_error(
        h,
        FN,
        "required_capability_exception",
        "nopermissions",
        "Sorry, but you do not currently have permissions to do that (Update user profiles).",
        token=f.CALLER,
        **users({"id": 3}),
    )


@pytest.mark.parametrize(
    ("params", "path", "inner"),
    [
        ({}, [], "Missing required key in single structure: users"),
        (users({"firstname": "X"}), ["users"], "Missing required key in single structure: id"),
        (
            users({"id": 3, "suspended": "yes"}),
            ["users", "suspended"],
            'Invalid external api parameter: the value is "yes", the server was expecting "bool" type',
        ),
        (
            users({"id": 3, "createpassword": 1}),
            ["users"],
            "Unexpected keys (createpassword) detected in parameter array.",
        ),
    ],
)
def test_validation_paths(prov_inprocess: ProvFactory, params: dict[str, str], path: list[str], inner: str) -> None:
    h = prov_inprocess()
    f.assert_invalid_param(h, FN, path, inner, **params)


def test_guest_cannot_be_updated(prov_inprocess: ProvFactory) -> None:
    h = prov_inprocess()
    expected = {"warnings": [warning(1, "usernotupdatedguest", "error/usernotupdatedguest")]}
    f.assert_success(h, FN, expected, SHAPE, **users({"id": 1, "firstname": "G"}))
