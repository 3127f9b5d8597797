"""``core_user_get_course_user_profiles`` (moodle-webservice.md §4.5): user description plus groups, roles,
enrolled courses; deleted users skipped; unknown course context refused."""

from __future__ import annotations

import pytest

from tests.moodle.functions import util as f
from tests.moodle.functions.conftest import ProvFactory

FN = "core_user_get_course_user_profiles"
SHAPE: f.Shape = [
    {
        **f.USER,
        "groups": [f.keys("id", "name", "description", "descriptionformat")],
        "roles": [f.keys("roleid", "name", "shortname", "sortorder")],
        "enrolledcourses": [f.keys("id", "fullname", "shortname")],
    }
]


def test_profile_json_and_xml(prov: ProvFactory) -> None:
    h = prov()
    expected = f.ana(
        h,
        groups=[],
        roles=[{"roleid": 5, "name": "", "shortname": "student", "sortorder": 5}],
        enrolledcourses=[
            {"id": 2, "fullname": "Curso SENCE de demostración", "shortname": "SENCE-DEMO"},
            {"id": 3, "fullname": "Prevención de riesgos", "shortname": "PRL-101"},
        ],
    )
    f.assert_success(h, FN, [expected], SHAPE, **{"userlist[0][userid]": "3", "userlist[0][courseid]": "3"})


def test_deleted_and_unknown_users_are_skipped(prov_inprocess: ProvFactory) -> None:
    h = prov_inprocess()
    params = {
        "userlist[0][userid]": "11",
        "userlist[0][courseid]": "3",
        "userlist[1][userid]": "999",
        "userlist[1][courseid]": "3",
    }
    f.assert_success(h, FN, [], SHAPE, **params)


def test_unknown_course(prov_inprocess: ProvFactory) -> None:
    h = prov_inprocess()
    f.assert_error(
        h,
        FN,
        "invalid_parameter_exception",
        "invalidparameter",
        f.LANGS,
        "Context does not exist",
        **{"userlist[0][userid]": "3", "userlist[0][courseid]": "99"},
    )


@pytest.mark.parametrize(
    ("params", "path", "inner"),
    [
        ({}, [], "Missing required key in single structure: userlist"),
        ({"userlist[0][userid]": "3"}, ["userlist"], "Missing required key in single structure: courseid"),
    ],
)
def test_validation_paths(prov_inprocess: ProvFactory, params: dict[str, str], path: list[str], inner: str) -> None:
    h = prov_inprocess()
    f.assert_invalid_param(h, FN, path, inner, **params)
