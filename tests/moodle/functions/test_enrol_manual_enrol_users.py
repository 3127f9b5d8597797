"""``enrol_manual_enrol_users`` (moodle-webservice.md §4.11): void reply, checks per item in order, one
transaction (the first failure aborts the call; no item is half-written)."""

from __future__ import annotations

from typing import Any

import pytest

from tests.harness import Harness
from tests.moodle import util as u
from tests.moodle.functions import util as f
from tests.moodle.functions.conftest import ProvFactory

FN = "enrol_manual_enrol_users"


def item(i: int = 0, /, **fields: Any) -> dict[str, str]:
    base = {"roleid": 5, "userid": 10, "courseid": 2, **fields}
    return {f"enrolments[{i}][{k}]": str(v) for k, v in base.items()}


def state(h: Harness, userid: int, courseid: int) -> tuple[str, int, int, int] | None:
    enrolment = h.tenant.store.enrolment(userid, courseid)
    if enrolment is None:
        return None
    return enrolment.role, enrolment.status, enrolment.timestart, enrolment.timeend


def test_enrol_is_void_json(prov: ProvFactory) -> None:
    h = prov()
    u.assert_rest(f.call(h, FN, **item()), "null", "json")
    assert state(h, 10, 2) == ("student", 0, 0, 0)


def test_enrol_is_void_xml(prov: ProvFactory) -> None:
    h = prov()
    u.assert_rest(
        f.call(h, FN, "xml", **item(roleid=3, timestart=f.NOW, timeend=f.NOW + 86400)), u.xml_response(""), "xml"
    )
    assert state(h, 10, 2) == ("editingteacher", 0, f.NOW, f.NOW + 86400)


def test_reenrol_updates_the_enrolment(prov_inprocess: ProvFactory) -> None:
    h = prov_inprocess()
    assert f.call(h, FN, **item(userid=3, suspend=1)).text == "null"
    assert state(h, 3, 2) == ("student", 1, 0, 0)
    assert f.call(h, FN, **item(userid=3, suspend=0, timeend=f.NOW + 10)).text == "null"
    assert state(h, 3, 2) == ("student", 0, 0, f.NOW + 10)


def test_several_items(prov_inprocess: ProvFactory) -> None:
    h = prov_inprocess()
    assert f.call(h, FN, **item(), **item(1, courseid=3, roleid=4)).text == "null"
    assert state(h, 10, 2) == ("student", 0, 0, 0)
    assert state(h, 10, 3) == ("teacher", 0, 0, 0)


NO_INSTANCE_41 = "Manual enrolment plugin instance doesn't exist or is disabled for the course (id = {$a->courseid})"
CODING_EN = "Coding error detected, it must be fixed by a programmer: User ID does not exist or is deleted!"
CODING_ES = (
    "Detectado un error de codificación, debe ser corregido por un programador: User ID does not exist or is deleted!"
)

ERRORS: dict[str, tuple[dict[str, Any], str, str, str | dict[str, str], str | None]] = {
    "unknown course": (
        {"courseid": 99},
        "invalid_parameter_exception",
        "invalidparameter",
        f.LANGS,
        "Context does not exist",
    ),
    "role not assignable": (
        {"roleid": 7},
        "moodle_exception",
        "wsusercannotassign",
        "You don't have the permission to assign this role (7) to this user (10) in this course (2).",
        None,
    ),
    "no manual instance (4.1 leaves the placeholder)": (
        {"courseid": 4},
        "moodle_exception",
        "wsnoinstance",
        NO_INSTANCE_41,
        None,
    ),
    "unknown user (4.1: role_assign)": (
        {"userid": 999},
        "coding_exception",
        "codingerror",
        {"en": CODING_EN, "es": CODING_ES},
        "userid:999",
    ),
    "deleted user (4.1: role_assign)": (
        {"userid": 11},
        "coding_exception",
        "codingerror",
        {"en": CODING_EN, "es": CODING_ES},
        "userid:11",
    ),
}


@pytest.mark.parametrize("name", ERRORS)
def test_errors(prov_inprocess: ProvFactory, name: str) -> None:
    h = prov_inprocess()
    fields, exception, code, message, debuginfo = ERRORS[name]
    f.assert_error(h, FN, exception, code, message, debuginfo, **item(**fields))
    assert state(h, 10, 2) is None


def test_unknown_user_live(prov: ProvFactory) -> None:
    h = prov()
    f.assert_error(
        h, FN, "coding_exception", "codingerror", {"en": CODING_EN, "es": CODING_ES}, "userid:999", **item(userid=999)
    )


def test_first_failure_aborts_everything(prov: ProvFactory) -> None:
    h = prov()
    params = {**item(), **item(1, courseid=3), **item(2, userid=999, courseid=3)}
    assert f.call(h, FN, **params).text == u.json_error("coding_exception", "codingerror", CODING_EN, "userid:999")
    assert state(h, 10, 2) is None and state(h, 10, 3) is None
    # the earlier failure wins over a later one
    params = {**item(userid=999), **item(1, courseid=99)}
    assert f.call(h, FN, **params).text == u.json_error("coding_exception", "codingerror", CODING_EN, "userid:999")
    params = {**item(courseid=4), **item(1, userid=999)}
    assert f.call(h, FN, **params).json()["errorcode"] == "wsnoinstance"


def test_needs_enrol_manual_enrol(prov_inprocess: ProvFactory) -> None:
    h = prov_inprocess(services=[{"name": "Caller service", "functions": [FN]}])
    f.assert_error(
        h,
        FN,
        "required_capability_exception",
        "nopermissions",
        "Sorry, but you do not currently have permissions to do that (Enrol users).",
        token=f.CALLER,
        **item(),
    )


def test_moodle_45_checks_the_user_first(prov_inprocess: ProvFactory) -> None:
    h = prov_inprocess(moodle={"version": "4.5"})
    exc = "core\\exception\\"
    assert f.call(h, FN, **item(userid=999)).text == u.json_error(
        "dml_missing_record_exception", "invaliduser", "Invalid user"
    )
    assert f.call(h, FN, **item(userid=11)).text == u.json_error(
        exc + "moodle_exception", "userdeleted", "This user account has been deleted"
    )
    f.edit_user(h, 10, suspended=True)
    assert f.call(h, FN, **item()).text == u.json_error(exc + "moodle_exception", "suspended", "Suspended account")
    f.edit_user(h, 10, suspended=False)
    assert f.call(h, FN, **item(courseid=4)).text == u.json_error(
        exc + "moodle_exception",
        "wsnoinstance",
        "Manual enrolment plugin instance doesn't exist or is disabled for the course (id = 4)",
    )


VALIDATION: list[tuple[dict[str, Any], list[str], str]] = [
    ({}, [], "Missing required key in single structure: enrolments"),
    (
        {k: v for k, v in item().items() if "roleid" not in k},
        ["enrolments"],
        "Missing required key in single structure: roleid",
    ),
    (
        item(userid="abc"),
        ["enrolments", "userid"],
        'Invalid external api parameter: the value is "abc", the server was expecting "int" type',
    ),
    (
        item(suspend="true"),
        ["enrolments", "suspend"],
        'Invalid external api parameter: the value is "true", the server was expecting "int" type',
    ),
    (item(status=1), ["enrolments"], "Unexpected keys (status) detected in parameter array."),
]


@pytest.mark.parametrize(("params", "path", "inner"), VALIDATION)
def test_validation_paths(prov_inprocess: ProvFactory, params: dict[str, Any], path: list[str], inner: str) -> None:
    h = prov_inprocess()
    f.assert_invalid_param(h, FN, path, inner, **params)
