"""``core_enrol_get_enrolled_users`` (moodle-webservice.md §4.10): options, sort, unknown course."""

from __future__ import annotations

from typing import Any

import pytest

from tests.harness import Harness
from tests.moodle.functions import util as f
from tests.moodle.functions.conftest import ProvFactory

FN = "core_enrol_get_enrolled_users"
SHAPE: f.Shape = [
    {
        **f.keys(
            "id", "username", "firstname", "lastname", "fullname", "email", "address", "phone1", "phone2",
            "department", "institution", "idnumber", "interests", "firstaccess", "lastaccess", "lastcourseaccess",
            "description", "descriptionformat", "city", "country", "profileimageurlsmall", "profileimageurl",
        ),
        "customfields": [f.keys("type", "value", "name", "shortname")],
        "groups": [f.keys("id", "name", "description", "descriptionformat")],
        "roles": [f.keys("roleid", "name", "shortname", "sortorder")],
        "preferences": [f.keys("name", "value")],
        "enrolledcourses": [f.keys("id", "fullname", "shortname")],
    }
]  # fmt: skip
STUDENT = [{"roleid": 5, "name": "", "shortname": "student", "sortorder": 5}]
COURSES = [
    {"id": 2, "fullname": "Curso SENCE de demostración", "shortname": "SENCE-DEMO"},
    {"id": 3, "fullname": "Prevención de riesgos", "shortname": "PRL-101"},
]


def member(h: Harness, user: dict[str, Any], lastcourseaccess: int) -> dict[str, Any]:
    keep = ("id", "username", "firstname", "lastname", "fullname", "email", "department", "firstaccess", "lastaccess")
    row = {k: user[k] for k in keep}
    row["lastcourseaccess"] = lastcourseaccess
    row.update(
        description="",
        descriptionformat=1,
        profileimageurlsmall=f.picture(h, "f2"),
        profileimageurl=f.picture(h, "f1"),
        customfields=user["customfields"],
        groups=[],
        roles=STUDENT,
        enrolledcourses=COURSES,
    )
    return row


def bruno(h: Harness) -> dict[str, Any]:
    return f.ana(
        h,
        id=4,
        username="alumno2",
        firstname="Bruno",
        lastname="Soto",
        fullname="Bruno Soto",
        email="bruno.soto@example.com",
        customfields=[{"type": "text", "value": "18765432-7", "name": "RUN del alumno", "shortname": "runalumno"}],
    )


def test_members_json_and_xml(prov: ProvFactory) -> None:
    h = prov()
    expected = [member(h, f.ana(h), 1767139200), member(h, bruno(h), 0)]
    f.assert_success(h, FN, expected, SHAPE, courseid="3")


def options(**values: str) -> dict[str, str]:
    params = {}
    for i, (name, value) in enumerate(values.items()):
        params[f"options[{i}][name]"] = name
        params[f"options[{i}][value]"] = value
    return params


@pytest.mark.parametrize(
    ("opts", "ids"),
    [
        ({"sortby": "lastname", "sortdirection": "ASC"}, [3, 5, 4]),
        ({"sortby": "firstname", "sortdirection": "DESC"}, [5, 4, 3]),
        ({"limitfrom": "1", "limitnumber": "1"}, [4]),
        ({"withcapability": "moodle/course:update"}, []),
    ],
)
def test_options(prov_inprocess: ProvFactory, opts: dict[str, str], ids: list[int]) -> None:
    h = prov_inprocess()
    assert [u["id"] for u in f.call(h, FN, courseid="2", **options(**opts)).json()] == ids


def test_userfields(prov_inprocess: ProvFactory) -> None:
    h = prov_inprocess()
    response = f.call(h, FN, courseid="3", **options(userfields="id,email"))
    assert response.text == (
        '[{"id":3,"fullname":"Ana P\\u00e9rez","email":"ana.perez@example.com"},'
        '{"id":4,"fullname":"Bruno Soto","email":"bruno.soto@example.com"}]'
    )


def test_unknown_course(prov: ProvFactory) -> None:
    h = prov()
    f.assert_error(
        h,
        FN,
        "dml_missing_record_exception",
        "invalidrecord",
        {
            "en": "Can't find data record in database table course.",
            "es": "No se puede encontrar registro de datos en la tabla course de la base de datos.",
        },
        "SELECT * FROM {course} WHERE id = ?\n[array (\n  0 => 99,\n)]",
        courseid="99",
    )


def test_bad_sortby(prov_inprocess: ProvFactory) -> None:
    h = prov_inprocess()
    f.assert_error(
        h,
        FN,
        "invalid_parameter_exception",
        "invalidparameter",
        f.LANGS,
        "Invalid value for sortby parameter (value: x), allowed values are: id,firstname,lastname,siteorder",
        courseid="3",
        **options(sortby="x"),
    )


@pytest.mark.parametrize(
    ("params", "path", "inner"),
    [
        ({}, [], "Missing required key in single structure: courseid"),
        (
            {"courseid": "3", "options[0][name]": "sort by", "options[0][value]": "id"},
            ["options", "name"],
            'Invalid external api parameter: the value is "sort by", the server was expecting "alphanumext" type',
        ),
    ],
)
def test_validation_paths(prov_inprocess: ProvFactory, params: dict[str, str], path: list[str], inner: str) -> None:
    h = prov_inprocess()
    f.assert_invalid_param(h, FN, path, inner, **params)
