"""``enrol_manual_unenrol_users`` (moodle-webservice.md §4.12): void reply, unknown course/user errors,
4.1's ignored ``roleid``, unenrolling a non-enrolled user is a no-op, first failure aborts."""

from __future__ import annotations

from typing import Any

import pytest

from tests.moodle import util as u
from tests.moodle.functions import util as f
from tests.moodle.functions.conftest import ProvFactory

FN = "enrol_manual_unenrol_users"


def item(i: int = 0, /, **fields: Any) -> dict[str, str]:
    base = {"userid": 3, "courseid": 2, **fields}
    return {f"enrolments[{i}][{k}]": str(v) for k, v in base.items()}


def test_unenrol_json(prov: ProvFactory) -> None:
    h = prov()
    u.assert_rest(f.call(h, FN, **item()), "null", "json")
    assert h.tenant.store.enrolment(3, 2) is None


def test_unenrol_xml_and_roleid_ignored(prov: ProvFactory) -> None:
    h = prov()
    u.assert_rest(f.call(h, FN, "xml", **item(roleid=5)), u.xml_response(""), "xml")
    assert h.tenant.store.enrolment(3, 2) is None


def test_not_enrolled_is_a_no_op(prov_inprocess: ProvFactory) -> None:
    h = prov_inprocess()
    assert f.call(h, FN, **item(userid=10)).text == "null"
    assert f.call(h, FN, **item(userid=11)).text == "null"  # deleted but existing: no error either


SQL = "SELECT * FROM {course} WHERE id = ?\n[array (\n  0 => 99,\n)]"
ERRORS: dict[str, tuple[dict[str, Any], str, str, str | dict[str, str], str | dict[str, str] | None]] = {
    "unknown course": (
        {"courseid": 99},
        "dml_missing_record_exception",
        "invalidrecord",
        {
            "en": "Can't find data record in database table course.",
            "es": "No se puede encontrar registro de datos en la tabla course de la base de datos.",
        },
        SQL,
    ),
    "no manual instance": (
        {"courseid": 4},
        "moodle_exception",
        "wsnoinstance",
        "Manual enrolment plugin instance doesn't exist or is disabled for the course (id = {$a->courseid})",
        None,
    ),
    "unknown user": (
        {"userid": 999},
        "invalid_parameter_exception",
        "invalidparameter",
        f.LANGS,
        "User id not exist: 999",
    ),
}


@pytest.mark.parametrize("name", ERRORS)
def test_errors(prov_inprocess: ProvFactory, name: str) -> None:
    h = prov_inprocess()
    fields, exception, code, message, debuginfo = ERRORS[name]
    f.assert_error(h, FN, exception, code, message, debuginfo, **item(**fields))


def test_first_failure_aborts_everything(prov: ProvFactory) -> None:
    h = prov()
    params = {**item(), **item(1, userid=999)}
    assert f.call(h, FN, **params).text == u.json_error(
        "invalid_parameter_exception", "invalidparameter", f.PARAM_EN, "User id not exist: 999"
    )
    assert h.tenant.store.enrolment(3, 2) is not None


def test_needs_enrol_manual_unenrol(prov_inprocess: ProvFactory) -> None:
    h = prov_inprocess(services=[{"name": "Caller service", "functions": [FN]}])
    f.assert_error(
        h,
        FN,
        "required_capability_exception",
        "nopermissions",
        "Sorry, but you do not currently have permissions to do that (Unenrol users from the course).",
        token=f.CALLER,
        **item(),
    )


def test_moodle_45_refuses_roleid_and_unknown_users_differently(prov_inprocess: ProvFactory) -> None:
    h = prov_inprocess(moodle={"version": "4.5"})
    assert f.call(h, FN, **item(roleid=5)).text == u.json_error(
        "core\\exception\\invalid_parameter_exception",
        "invalidparameter",
        f.PARAM_EN,
        f.nested(["enrolments"], "Unexpected keys (roleid) detected in parameter array."),
    )
    assert f.call(h, FN, **item(userid=999)).text == u.json_error(
        "dml_missing_record_exception", "invaliduser", "Invalid user"
    )


VALIDATION: list[tuple[dict[str, Any], list[str], str]] = [
    ({}, [], "Missing required key in single structure: enrolments"),
    ({"enrolments[0][userid]": "3"}, ["enrolments"], "Missing required key in single structure: courseid"),
    (
        item(courseid="2.0"),
        ["enrolments", "courseid"],
        'Invalid external api parameter: the value is "2.0", the server was expecting "int" type',
    ),
]


@pytest.mark.parametrize(("params", "path", "inner"), VALIDATION)
def test_validation_paths(prov_inprocess: ProvFactory, params: dict[str, Any], path: list[str], inner: str) -> None:
    h = prov_inprocess()
    f.assert_invalid_param(h, FN, path, inner, **params)
