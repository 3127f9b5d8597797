"""``core_course_get_courses_by_field`` (moodle-webservice.md §4.7): fields, ids warnings, bad field."""

from __future__ import annotations

from typing import Any

import pytest

from tests.moodle.functions import util as f
from tests.moodle.functions.conftest import ProvFactory

FN = "core_course_get_courses_by_field"
FILE = f.keys(
    "filename", "filepath", "filesize", "fileurl", "timemodified", "mimetype", "isexternalfile", "repositorytype"
)
COURSE: dict[str, f.Shape] = {
    **f.keys(
        "id", "fullname", "displayname", "shortname", "categoryid", "categoryname", "sortorder", "summary",
        "summaryformat",
    ),
    "summaryfiles": [FILE],
    "overviewfiles": [FILE],
    **f.keys("showactivitydates", "showcompletionconditions"),
    "contacts": [f.keys("id", "fullname")],
    "enrollmentmethods": [None],
    "customfields": [f.keys("name", "shortname", "type", "valueraw", "value")],
    **f.keys(
        "idnumber", "format", "showgrades", "newsitems", "startdate", "enddate", "maxbytes", "showreports",
        "visible", "groupmode", "groupmodeforce", "defaultgroupingid", "enablecompletion", "completionnotify",
        "lang", "theme", "marker", "legacyfiles", "calendartype", "timecreated", "timemodified", "requested",
        "cacherev",
    ),
    "filters": [f.keys("filter", "localstate", "inheritedstate")],
    "courseformatoptions": [f.keys("name", "value")],
}  # fmt: skip
SHAPE: f.Shape = {"courses": [COURSE], "warnings": f.WARNINGS}

PRL: dict[str, Any] = {
    "id": 3,
    "fullname": "Prevención de riesgos",
    "displayname": "Prevención de riesgos",
    "shortname": "PRL-101",
    "categoryid": 3,
    "categoryname": "Seguridad &amp; Salud",
    "sortorder": 30003,
    "summary": "",
    "summaryformat": 1,
    "summaryfiles": [],
    "overviewfiles": [],
    "showactivitydates": True,
    "showcompletionconditions": True,
    "contacts": [],
    "enrollmentmethods": ["manual"],
    "customfields": [],
    "idnumber": "",
    "format": "topics",
    "showgrades": 1,
    "newsitems": 5,
    "startdate": 1767225600,
    "enddate": 1798761600,
    "maxbytes": 0,
    "showreports": 0,
    "visible": 1,
    "groupmode": 0,
    "groupmodeforce": 0,
    "defaultgroupingid": 0,
    "enablecompletion": 1,
    "completionnotify": 0,
    "lang": "",
    "theme": "",
    "marker": 0,
    "legacyfiles": 0,
    "calendartype": "",
    "timecreated": f.NOW,
    "timemodified": f.NOW,
    "requested": 0,
    "cacherev": f.NOW,
    "filters": [],
    "courseformatoptions": [{"name": "hiddensections", "value": "0"}, {"name": "coursedisplay", "value": "0"}],
}


@pytest.mark.parametrize(
    ("field", "value"),
    [("id", "3"), ("shortname", "PRL-101"), ("category", "3"), ("ids", "3")],
)
def test_one_course_json_and_xml(prov: ProvFactory, field: str, value: str) -> None:
    h = prov()
    f.assert_success(h, FN, {"courses": [PRL], "warnings": []}, SHAPE, field=field, value=value)


def test_ids_with_an_unknown_one_is_a_warning(prov_inprocess: ProvFactory) -> None:
    h = prov_inprocess()
    expected = {
        "courses": [PRL],
        "warnings": [
            {"item": "course", "itemid": 99, "warningcode": "1", "message": "No access rights in course context"}
        ],
    }
    f.assert_success(h, FN, expected, SHAPE, field="ids", value="3,99")


def test_no_field_is_every_course(prov_inprocess: ProvFactory) -> None:
    h = prov_inprocess()
    body = f.call(h, FN).json()
    assert [c["id"] for c in body["courses"]] == [2, 3, 4] and body["warnings"] == []


def test_nothing_found(prov_inprocess: ProvFactory) -> None:
    h = prov_inprocess()
    f.assert_success(h, FN, {"courses": [], "warnings": []}, SHAPE, field="idnumber", value="nope")


def test_invalid_field_name(prov: ProvFactory) -> None:
    h = prov()
    f.assert_error(
        h,
        FN,
        "invalid_parameter_exception",
        "invalidparameter",
        f.LANGS,
        "Invalid field name",
        field="fullname",
        value="x",
    )


@pytest.mark.parametrize(
    ("params", "path", "inner"),
    [
        (
            {"field": "short_name"},
            ["field"],
            'Invalid external api parameter: the value is "short_name", the server was expecting "alpha" type',
        ),
        ({"field": "id", "values": "3"}, [], "Unexpected keys (values) detected in parameter array."),
    ],
)
def test_validation_paths(prov_inprocess: ProvFactory, params: dict[str, str], path: list[str], inner: str) -> None:
    h = prov_inprocess()
    f.assert_invalid_param(h, FN, path, inner, **params)
