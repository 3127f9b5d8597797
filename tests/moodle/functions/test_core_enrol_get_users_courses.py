"""``core_enrol_get_users_courses`` (moodle-webservice.md §4.9): active enrolments only, progress and
completed as core computes them (float or null), lastaccess or null, 4.5's courseimage."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

import pytest

from mockserver.world.entities import Activity
from tests.harness import Harness
from tests.moodle import util as u
from tests.moodle.functions import util as f
from tests.moodle.functions.conftest import ProvFactory

FN = "core_enrol_get_users_courses"
OVERVIEWFILE = f.keys(
    "filename", "filepath", "filesize", "fileurl", "timemodified", "mimetype", "isexternalfile", "repositorytype"
)
SHAPE: f.Shape = [
    {
        **f.keys(
            "id", "shortname", "fullname", "displayname", "enrolledusercount", "idnumber", "visible", "summary",
            "summaryformat", "format", "showgrades", "lang", "enablecompletion", "completionhascriteria",
            "completionusertracked", "category", "progress", "completed", "startdate", "enddate", "marker",
            "lastaccess", "isfavourite", "hidden",
        ),
        "overviewfiles": [OVERVIEWFILE],
        **f.keys("showactivitydates", "showcompletionconditions", "timemodified"),
    }
]  # fmt: skip


def sence(**changes: Any) -> dict[str, Any]:
    course: dict[str, Any] = {
        "id": 2,
        "shortname": "SENCE-DEMO",
        "fullname": "Curso SENCE de demostración",
        "displayname": "Curso SENCE de demostración",
        "enrolledusercount": 3,
        "idnumber": "",
        "visible": 1,
        "summary": "Curso e-learning con registro de asistencia SENCE.",
        "summaryformat": 1,
        "format": "topics",
        "showgrades": True,
        "lang": "",
        "enablecompletion": False,
        "completionhascriteria": False,
        "completionusertracked": False,
        "category": 1,
        "progress": None,
        "completed": None,
        "startdate": 0,
        "enddate": 0,
        "marker": 0,
        "lastaccess": None,
        "isfavourite": False,
        "hidden": False,
        "overviewfiles": [],
        "showactivitydates": True,
        "showcompletionconditions": True,
        "timemodified": f.NOW,
    }
    course.update(changes)
    return course


def prl(**changes: Any) -> dict[str, Any]:
    return (
        sence(
            id=3,
            shortname="PRL-101",
            fullname="Prevención de riesgos",
            displayname="Prevención de riesgos",
            enrolledusercount=2,
            summary="",
            enablecompletion=True,
            completionhascriteria=True,
            completionusertracked=True,
            category=3,
            progress=50.0,
            completed=False,
            startdate=1767225600,
            enddate=1798761600,
            lastaccess=1767139200,
        )
        | changes
    )


def test_courses_of_a_student_json_and_xml(prov: ProvFactory) -> None:
    h = prov()
    f.assert_success(h, FN, [sence(), prl()], SHAPE, userid="3")
    assert f.call(h, FN, userid="3").text.count('"progress":50.0,') == 1  # a float, as PHP prints it


def test_complete_course_is_100_and_completed(prov_inprocess: ProvFactory) -> None:
    h = prov_inprocess()
    body = f.call(h, FN, userid="4").text
    assert '"progress":100.0,"completed":true,' in body and '"lastaccess":null' in body


def test_without_returnusercount(prov_inprocess: ProvFactory) -> None:
    h = prov_inprocess()
    expected = [sence(), prl()]
    for course in expected:
        del course["enrolledusercount"]
    f.assert_success(h, FN, expected, SHAPE, userid="3", returnusercount="0")


def one_of_three(h: Harness) -> None:
    course = h.tenant.store.course(3)
    assert course is not None
    course.activities = (Activity(31, "A"), Activity(32, "B"), Activity(33, "C"))
    course.completion = replace(course.completion, criteria=()) if course.completion else None


@pytest.mark.parametrize(
    ("completed", "json_text", "xml_text"),
    [
        ((31,), "33.333333333333336", "33.333333333333"),  # the reference's figure for 1 of 3
        ((31, 32), "66.66666666666667", "66.666666666667"),
        ((), "0.0", "0"),
    ],
)
def test_progress_fractions(
    prov_inprocess: ProvFactory, completed: tuple[int, ...], json_text: str, xml_text: str
) -> None:
    h = prov_inprocess()
    one_of_three(h)
    enrolment = h.tenant.store.enrolment(3, 3)
    assert enrolment is not None
    h.tenant.store.save_enrolment(replace(enrolment, completed_activities=frozenset(completed)))
    assert f'"progress":{json_text},' in f.call(h, FN, userid="3").text
    assert f'<KEY name="progress"><VALUE>{xml_text}</VALUE>' in f.call(h, FN, "xml", userid="3").text


def test_no_tracked_activity_is_null(prov_inprocess: ProvFactory) -> None:
    h = prov_inprocess()
    course = h.tenant.store.course(3)
    assert course is not None
    course.activities = (Activity(33, "Foro", "forum", tracked=False),)
    course.completion = None
    body = f.call(h, FN, userid="3").json()
    assert body[1]["progress"] is None and body[1]["completed"] is False


@pytest.mark.parametrize(
    "change",
    [
        {"status": 1},  # suspended enrolment
        {"timestart": f.NOW + 1},  # not started yet
        {"timeend": f.NOW},  # ended
    ],
)
def test_only_active_enrolments(prov_inprocess: ProvFactory, change: dict[str, Any]) -> None:
    h = prov_inprocess()
    enrolment = h.tenant.store.enrolment(3, 3)
    assert enrolment is not None
    h.tenant.store.save_enrolment(replace(enrolment, **change))
    f.assert_success(h, FN, [sence()], SHAPE, userid="3")


def test_unknown_user_and_nobody_else_for_a_plain_caller(prov_inprocess: ProvFactory) -> None:
    h = prov_inprocess()
    f.assert_success(h, FN, [], SHAPE, userid="999")
    f.assert_success(h, FN, [], SHAPE, token=f.CALLER, userid="3")


def test_moodle_45_adds_courseimage(prov_inprocess: ProvFactory) -> None:
    h = prov_inprocess(moodle={"version": "4.5"})
    body = f.call(h, FN, userid="3").json()
    assert [list(c)[9:12] for c in body] == [["format", "courseimage", "showgrades"]] * 2
    assert body[0]["courseimage"] == f"{h.base_url}/course/generated/2.svg"


@pytest.mark.parametrize(
    ("params", "path", "inner"),
    [
        ({}, [], "Missing required key in single structure: userid"),
        (
            {"userid": "3", "returnusercount": "true"},
            ["returnusercount"],
            'Invalid external api parameter: the value is "true", the server was expecting "bool" type',
        ),
        (
            {"userid": "+3"},
            ["userid"],
            'Invalid external api parameter: the value is "+3", the server was expecting "int" type',
        ),
    ],
)
def test_validation_paths(prov_inprocess: ProvFactory, params: dict[str, str], path: list[str], inner: str) -> None:
    h = prov_inprocess()
    f.assert_invalid_param(h, FN, path, inner, **params)


def test_xml_null_progress_and_lastaccess(prov_inprocess: ProvFactory) -> None:
    h = prov_inprocess()
    text = f.call(h, FN, "xml", userid="3").text
    assert '<KEY name="progress"><VALUE null="null"/>\n</KEY>' in text
    u.assert_rest(f.call(h, FN, "xml", userid="3"), f.xml_body([sence(), prl()], SHAPE), "xml")
