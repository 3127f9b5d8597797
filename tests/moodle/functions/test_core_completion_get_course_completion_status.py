"""``core_completion_get_course_completion_status`` (moodle-webservice.md §4.13): errors in order, the
status structure with localised Yes/No."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

import pytest

from tests.harness import Harness
from tests.moodle import util as u
from tests.moodle.functions import util as f
from tests.moodle.functions.conftest import ProvFactory

FN = "core_completion_get_course_completion_status"
SHAPE: f.Shape = {
    "completionstatus": {
        **f.keys("completed", "aggregation"),
        "completions": [
            {
                **f.keys("type", "title", "status", "complete", "timecompleted"),
                "details": f.keys("type", "criteria", "requirement", "status"),
            }
        ],
    },
    "warnings": f.WARNINGS,
}


def criterion(
    h: Harness, cmid: int, modname: str, name: str, done: bool, yes: str = "Yes", no: str = "No"
) -> dict[str, Any]:
    return {
        "type": 4,
        "title": "Activity completion",
        "status": yes if done else no,
        "complete": done,
        "timecompleted": f.NOW if done else None,
        "details": {
            "type": "Activity completion",
            "criteria": f'<a href="{h.base_url}/mod/{modname}/view.php?id={cmid}">{name}</a>',
            "requirement": "Marking yourself complete",
            "status": "",
        },
    }


def status(h: Harness, done31: bool, done32: bool, **kw: str) -> dict[str, Any]:
    return {
        "completionstatus": {
            "completed": done31 and done32,
            "aggregation": 1,
            "completions": [
                criterion(h, 31, "page", "Introducción", done31, **kw),
                criterion(h, 32, "quiz", "Evaluación", done32, **kw),
            ],
        },
        "warnings": [],
    }


def test_status_json_and_xml(prov: ProvFactory) -> None:
    h = prov()
    f.assert_success(h, FN, status(h, True, False), SHAPE, courseid="3", userid="3")
    f.assert_success(h, FN, status(h, True, True), SHAPE, courseid="3", userid="4")


def test_status_words_follow_the_language(prov_inprocess: ProvFactory) -> None:
    h = prov_inprocess()
    expected = status(h, True, False, yes="Sí")
    response = f.call(h, FN, courseid="3", userid="3", moodlewssettinglang="es")
    u.assert_rest(response, u.php_json(expected))


def test_any_aggregation(prov_inprocess: ProvFactory) -> None:
    h = prov_inprocess()
    course = h.tenant.store.course(3)
    assert course is not None and course.completion is not None
    course.completion = replace(course.completion, aggregation=2)
    body = f.call(h, FN, courseid="3", userid="3").json()
    assert body["completionstatus"]["completed"] is True and body["completionstatus"]["aggregation"] == 2


SQL = "SELECT * FROM {course} WHERE id = ?\n[array (\n  0 => 99,\n)]"


def setup_error(h: Harness, name: str) -> None:
    store = h.tenant.store
    if name == "suspended user":
        f.edit_user(h, 3, suspended=True)
    elif name == "completion disabled":
        course = store.course(3)
        assert course is not None
        course.enablecompletion = False
    elif name == "no criteria":
        course = store.course(3)
        assert course is not None
        course.completion = None


ERRORS: dict[str, tuple[dict[str, str], str, str, str | dict[str, str], str | None]] = {
    "unknown course": (
        {"courseid": "99", "userid": "3"},
        "dml_missing_record_exception",
        "invalidrecord",
        {
            "en": "Can't find data record in database table course.",
            "es": "No se puede encontrar registro de datos en la tabla course de la base de datos.",
        },
        SQL,
    ),
    "unknown user": (
        {"courseid": "3", "userid": "999"},
        "dml_missing_record_exception",
        "invaliduser",
        "Invalid user",
        None,
    ),
    "deleted user": (
        {"courseid": "3", "userid": "11"},
        "moodle_exception",
        "userdeleted",
        "This user account has been deleted",
        None,
    ),
    "suspended user": ({"courseid": "3", "userid": "3"}, "moodle_exception", "suspended", "Suspended account", None),
    "completion disabled": (
        {"courseid": "3", "userid": "3"},
        "moodle_exception",
        "cannotviewreport",
        "You cannot view this report",
        None,
    ),
    "not enrolled (another user)": (
        {"courseid": "3", "userid": "5"},
        "moodle_exception",
        "usernotenroled",
        "User is not enrolled in this course",
        None,
    ),
    "no criteria": (
        {"courseid": "3", "userid": "3"},
        "moodle_exception",
        "nocriteriaset",
        "No completion criteria set for this course",
        None,
    ),
}


@pytest.mark.parametrize("name", ERRORS)
def test_errors(prov_inprocess: ProvFactory, name: str) -> None:
    h = prov_inprocess()
    setup_error(h, name)
    params, exception, code, message, debuginfo = ERRORS[name]
    f.assert_error(h, FN, exception, code, message, debuginfo, **params)


def test_own_status_not_enrolled_and_no_right_to_view_others(prov_inprocess: ProvFactory) -> None:
    h = prov_inprocess(services=[{"name": "Caller service", "functions": [FN]}])
    f.assert_error(
        h,
        FN,
        "moodle_exception",
        "notenroled",
        "You are not enrolled in this course",
        token=f.CALLER,
        courseid="3",
        userid="10",
    )
    f.assert_error(
        h,
        FN,
        "moodle_exception",
        "cannotviewreport",
        "You cannot view this report",
        token=f.CALLER,
        courseid="3",
        userid="3",
    )


@pytest.mark.parametrize(
    ("params", "path", "inner"),
    [
        ({"courseid": "3"}, [], "Missing required key in single structure: userid"),
        (
            {"courseid": "x", "userid": "3"},
            ["courseid"],
            'Invalid external api parameter: the value is "x", the server was expecting "int" type',
        ),
    ],
)
def test_validation_paths(prov_inprocess: ProvFactory, params: dict[str, str], path: list[str], inner: str) -> None:
    h = prov_inprocess()
    f.assert_invalid_param(h, FN, path, inner, **params)
