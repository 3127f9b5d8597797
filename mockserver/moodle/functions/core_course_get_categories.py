"""``core_course_get_categories`` (moodle-webservice.md §4.8)."""

from __future__ import annotations

from typing import Any

from mockserver.moodle.domain.courses import category_path, course_count
from mockserver.moodle.domain.formatting import external_format_string
from mockserver.moodle.errors import MoodleException
from mockserver.moodle.site import Site
from mockserver.moodle.webservice.description import DEFAULT, OPTIONAL, Multiple, Single, Value
from mockserver.moodle.webservice.registry import Call, ExternalFunction
from mockserver.world.entities import Category

MANAGE = "moodle/category:manage"
VIEW_HIDDEN = "moodle/category:viewhiddencategories"
_NEEDS = {"idnumber": MANAGE, "visible": VIEW_HIDDEN, "theme": MANAGE}


def parameters(_site: Site) -> Single:
    return Single(
        {
            "criteria": Multiple(
                Single(
                    {
                        "key": Value(
                            "alpha",
                            "The category column to search, expected keys (value format) are: id, ids, name, "
                            "parent, idnumber, visible, theme",
                        ),
                        "value": Value("raw", "the value to match"),
                    }
                ),
                "criteria",
                DEFAULT,
                [],
            ),
            "addsubcategories": Value(
                "bool", "return the sub categories infos (1 - default) otherwise only the category info (0)", DEFAULT, 1
            ),
        }
    )


def _criteria(call: Call, criteria: list[dict[str, Any]]) -> dict[str, str]:
    chosen: dict[str, str] = {}
    for criterion in criteria:
        key, value = criterion["key"], criterion["value"]
        if key in chosen:
            continue  # the first occurrence wins
        known = key in ("id", "ids", "name", "parent") or key in _NEEDS
        if not known or (key in _NEEDS and not call.user.has_capability(_NEEDS[key])):
            raise MoodleException("criteriaerror", "webservice", None, f"You can not search on this criteria: {key}")
        chosen[key] = str(value)
    return chosen


def _matches(category: Category, criteria: dict[str, str]) -> bool:
    for key, value in criteria.items():
        if key == "ids":
            ids = {int(v) for v in value.split(",") if v.strip().isdigit()}
            if category.id not in ids:
                return False
        elif key in ("id", "parent"):
            if not value.strip().lstrip("-").isdigit() or getattr(category, key) != int(value):
                return False
        elif key == "visible":
            if int(category.visible) != (1 if value.strip() not in ("", "0") else 0):
                return False
        elif str(getattr(category, key)) != value:
            return False
    return True


def execute(call: Call, params: dict[str, Any]) -> list[dict[str, Any]]:
    site = call.site
    criteria = _criteria(call, params["criteria"])
    everything = site.store.categories()
    chosen = [c for c in everything if _matches(c, criteria)]
    if params["addsubcategories"]:
        chosen_ids = {c.id for c in chosen}
        chosen = [c for c in everything if c.id in chosen_ids or chosen_ids & set(category_path(site, c)[:-1])]
    manage = call.user.has_capability(MANAGE)
    view_hidden = manage or call.user.has_capability(VIEW_HIDDEN)
    result = []
    for category in chosen:
        if not category.visible and not view_hidden:
            continue
        path = category_path(site, category)
        info: dict[str, Any] = {
            "id": category.id,
            "name": external_format_string(category.name, call.raw),
            "description": category.description,
            "descriptionformat": 1,
            "parent": category.parent,
            "sortorder": category.sortorder,
            "coursecount": course_count(site, category.id),
            "depth": len(path),
            "path": "/" + "/".join(str(i) for i in path),
        }
        if manage:
            info.update(
                idnumber=category.idnumber,
                visible=int(category.visible),
                visibleold=int(category.visible),
                timemodified=category.timemodified,
                theme=category.theme,
            )
        result.append(info)
    return result


RETURNS = Multiple(
    Single(
        {
            "id": Value("int", "category id"),
            "name": Value("raw", "category name"),
            "idnumber": Value("raw", "category id number", OPTIONAL),
            "description": Value("raw", "category description"),
            "descriptionformat": Value("int", "description format"),
            "parent": Value("int", "parent category id"),
            "sortorder": Value("int", "category sorting order"),
            "coursecount": Value("int", "number of courses in this category"),
            "visible": Value("int", "1: available, 0:not available", OPTIONAL),
            "visibleold": Value("int", "1: available, 0:not available", OPTIONAL),
            "timemodified": Value("int", "timestamp", OPTIONAL),
            "depth": Value("int", "category depth"),
            "path": Value("text", "category path"),
            "theme": Value("theme", "category theme", OPTIONAL),
        },
        "List of categories",
    )
)

GET_CATEGORIES = ExternalFunction(
    name="core_course_get_categories",
    component="core_course",
    parameters=parameters,
    returns=RETURNS,
    execute=execute,
)

FUNCTIONS = (GET_CATEGORIES,)
