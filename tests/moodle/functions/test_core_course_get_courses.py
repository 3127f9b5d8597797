"""``core_course_get_courses`` (moodle-webservice.md §4.6): all courses including the site, admin-only
block, nopermissions for the whole call, format_string names."""

from __future__ import annotations

from typing import Any

import pytest

from tests.moodle import util as u
from tests.moodle.functions import util as f
from tests.moodle.functions.conftest import ProvFactory

FN = "core_course_get_courses"
SHAPE: f.Shape = [
    {
        **f.keys(
            "id", "shortname", "categoryid", "categorysortorder", "fullname", "displayname", "idnumber", "summary",
            "summaryformat", "format", "showgrades", "newsitems", "startdate", "enddate", "numsections", "maxbytes",
            "showreports", "visible", "hiddensections", "groupmode", "groupmodeforce", "defaultgroupingid",
            "timecreated", "timemodified", "enablecompletion", "completionnotify", "lang", "forcetheme",
        ),
        "courseformatoptions": [f.keys("name", "value")],
        **f.keys("showactivitydates", "showcompletionconditions"),
        "customfields": [f.keys("name", "shortname", "type", "valueraw", "value")],
    }
]  # fmt: skip

PRL: dict[str, Any] = {
    "id": 3,
    "shortname": "PRL-101",
    "categoryid": 3,
    "categorysortorder": 30000,
    "fullname": "Prevención de riesgos",
    "displayname": "Prevención de riesgos",
    "idnumber": "",
    "summary": "",
    "summaryformat": 1,
    "format": "topics",
    "showgrades": 1,
    "newsitems": 5,
    "startdate": 1767225600,
    "enddate": 1798761600,
    "numsections": 4,
    "maxbytes": 0,
    "showreports": 0,
    "visible": 1,
    "hiddensections": 0,
    "groupmode": 0,
    "groupmodeforce": 0,
    "defaultgroupingid": 0,
    "timecreated": f.NOW,
    "timemodified": f.NOW,
    "enablecompletion": 1,
    "completionnotify": 0,
    "lang": "",
    "forcetheme": "",
    "courseformatoptions": [{"name": "hiddensections", "value": "0"}, {"name": "coursedisplay", "value": "0"}],
    "showactivitydates": True,
    "showcompletionconditions": True,
    "customfields": [],
}


def test_one_course_json_and_xml(prov: ProvFactory) -> None:
    h = prov()
    f.assert_success(h, FN, [PRL], SHAPE, **{"options[ids][0]": "3"})


def test_no_ids_is_every_course_with_the_site(prov_inprocess: ProvFactory) -> None:
    h = prov_inprocess()
    body = f.call(h, FN).json()
    assert [(c["id"], c["format"]) for c in body] == [(1, "site"), (2, "topics"), (3, "topics"), (4, "topics")]
    site = body[0]
    assert (site["shortname"], site["fullname"], site["numsections"], site["courseformatoptions"]) == (
        "site",
        "Moodle de demostración",
        1,
        [],
    )
    assert "hiddensections" not in site
    sence = body[1]
    assert sence["customfields"] == [
        {"name": n, "shortname": n, "type": "text", "valueraw": v, "value": v}
        for n, v in (("codsence", "1238008244"), ("codcurso", "6071806"), ("lineacap", "3"))
    ]
    assert body[3]["visible"] == 0  # the hidden course, for a caller with course:update


def test_unknown_ids_are_left_out(prov_inprocess: ProvFactory) -> None:
    h = prov_inprocess()
    f.assert_success(h, FN, [PRL], SHAPE, **{"options[ids][0]": "99", "options[ids][1]": "3"})


def test_names_go_through_format_string(prov_inprocess: ProvFactory) -> None:
    h = prov_inprocess()
    course = h.tenant.store.course(3)
    assert course is not None
    course.fullname = "Salud & <b>Seguridad</b>"
    assert f.call(h, FN, **{"options[ids][0]": "3"}).json()[0]["fullname"] == "Salud &amp; Seguridad"
    raw = f.call(h, FN, moodlewssettingraw="1", **{"options[ids][0]": "3"}).json()[0]
    assert raw["fullname"] == "Salud & <b>Seguridad</b>"


def test_one_inaccessible_course_fails_the_call(prov: ProvFactory) -> None:
    h = prov()
    f.assert_error(
        h,
        FN,
        "required_capability_exception",
        "nopermissions",
        "Sorry, but you do not currently have permissions to do that (View courses without participation).",
        token=f.CALLER,
        **{"options[ids][0]": "3"},
    )


def test_the_site_alone_needs_no_capability(prov_inprocess: ProvFactory) -> None:
    h = prov_inprocess()
    body = f.call(h, FN, token=f.CALLER, **{"options[ids][0]": "1"}).json()
    assert list(body[0]) == [
        "id", "shortname", "categoryid", "fullname", "displayname", "summary", "summaryformat", "format",
        "startdate", "enddate", "showactivitydates", "showcompletionconditions", "customfields",
    ]  # fmt: skip


@pytest.mark.parametrize(
    ("params", "path", "inner"),
    [
        ({"options[ids]": "3"}, ["options", "ids"], "Only arrays accepted. The bad value is: '3'"),
        ({"options[id][0]": "3"}, ["options"], "Unexpected keys (id) detected in parameter array."),
        (
            {"options[ids][0]": "three"},
            ["options", "ids"],
            'Invalid external api parameter: the value is "three", the server was expecting "int" type',
        ),
    ],
)
def test_validation_paths(prov_inprocess: ProvFactory, params: dict[str, str], path: list[str], inner: str) -> None:
    h = prov_inprocess()
    f.assert_invalid_param(h, FN, path, inner, **params)


def test_xml_of_the_site_course(prov_inprocess: ProvFactory) -> None:
    h = prov_inprocess()
    text = f.call(h, FN, "xml", **{"options[ids][0]": "1"}).text
    assert '<KEY name="hiddensections"><VALUE null="null"/>\n</KEY>' in text
    assert '<KEY name="courseformatoptions"><MULTIPLE>\n</MULTIPLE>\n</KEY>' in text
    u.assert_rest(f.call(h, FN, "xml", **{"options[ids][0]": "1"}), text, "xml")
