"""``core_course_get_categories`` (moodle-webservice.md §4.8): tree, criteria, permissions, format_string."""

from __future__ import annotations

from typing import Any

import pytest

from tests.moodle import util as u
from tests.moodle.functions import util as f
from tests.moodle.functions.conftest import ProvFactory

FN = "core_course_get_categories"
SHAPE: f.Shape = [
    f.keys(
        "id", "name", "idnumber", "description", "descriptionformat", "parent", "sortorder", "coursecount",
        "visible", "visibleold", "timemodified", "depth", "path", "theme",
    )
]  # fmt: skip


def category(cid: int, name: str, parent: int, sortorder: int, count: int, path: str, **extra: Any) -> dict[str, Any]:
    row: dict[str, Any] = {
        "id": cid,
        "name": name,
        "idnumber": "",
        "description": "",
        "descriptionformat": 1,
        "parent": parent,
        "sortorder": sortorder,
        "coursecount": count,
        "visible": 1,
        "visibleold": 1,
        "timemodified": f.NOW,
        "depth": path.count("/"),
        "path": path,
        "theme": "",
    }
    row.update(extra)
    return row


MISC = category(1, "Category 1", 0, 10000, 2, "/1")
CAP = category(2, "Capacitación", 0, 20000, 0, "/2", idnumber="CAP", description="Cursos SENCE")
SAFETY = category(3, "Seguridad &amp; Salud", 2, 30000, 1, "/2/3")


def test_all_categories_json_and_xml(prov: ProvFactory) -> None:
    h = prov()
    f.assert_success(h, FN, [MISC, CAP, SAFETY], SHAPE)


@pytest.mark.parametrize(
    ("criteria", "addsub", "expected"),
    [
        ({"id": "2"}, "1", [CAP, SAFETY]),
        ({"id": "2"}, "0", [CAP]),
        ({"ids": "1,3"}, "0", [MISC, SAFETY]),
        ({"parent": "2"}, "0", [SAFETY]),
        ({"name": "Capacitación"}, "0", [CAP]),
        ({"idnumber": "CAP"}, "0", [CAP]),
        ({"name": "nope"}, "1", []),
    ],
)
def test_criteria(
    prov_inprocess: ProvFactory, criteria: dict[str, str], addsub: str, expected: list[dict[str, Any]]
) -> None:
    h = prov_inprocess()
    params = {"addsubcategories": addsub}
    for i, (key, value) in enumerate(criteria.items()):
        params[f"criteria[{i}][key]"] = key
        params[f"criteria[{i}][value]"] = value
    u.assert_rest(f.call(h, FN, **params), u.php_json(expected))


def test_raw_names(prov_inprocess: ProvFactory) -> None:
    h = prov_inprocess()
    body = f.call(h, FN, moodlewssettingraw="1", **{"criteria[0][key]": "id", "criteria[0][value]": "3"}).json()
    assert body[0]["name"] == "Seguridad & Salud"


def test_unknown_criterion(prov: ProvFactory) -> None:
    h = prov()
    f.assert_error(
        h,
        FN,
        "moodle_exception",
        "criteriaerror",
        "Missing permissions to search on a criterion.",
        "You can not search on this criteria: x",
        **{"criteria[0][key]": "x", "criteria[0][value]": "1"},
    )


@pytest.mark.parametrize(
    ("params", "path", "inner"),
    [
        (
            {"addsubcategories": "2"},
            ["addsubcategories"],
            'Invalid external api parameter: the value is "2", the server was expecting "bool" type',
        ),
        ({"criteria[0][key]": "id"}, ["criteria"], "Missing required key in single structure: value"),
        (
            {"criteria[0][key]": "id_1", "criteria[0][value]": "1"},
            ["criteria", "key"],
            'Invalid external api parameter: the value is "id_1", the server was expecting "alpha" type',
        ),
    ],
)
def test_validation_paths(prov_inprocess: ProvFactory, params: dict[str, str], path: list[str], inner: str) -> None:
    h = prov_inprocess()
    f.assert_invalid_param(h, FN, path, inner, **params)


@pytest.mark.parametrize("key", ["idnumber", "visible", "theme"])
def test_criteria_that_need_permissions(prov_inprocess: ProvFactory, key: str) -> None:
    h = prov_inprocess(services=[{"name": "Caller service", "functions": [FN]}])
    f.assert_error(
        h,
        FN,
        "moodle_exception",
        "criteriaerror",
        "Missing permissions to search on a criterion.",
        f"You can not search on this criteria: {key}",
        token=f.CALLER,
        **{"criteria[0][key]": key, "criteria[0][value]": "1"},
    )
