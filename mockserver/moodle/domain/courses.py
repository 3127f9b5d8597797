"""Courses and categories as web services show them: formatted names, format options, custom fields."""

from __future__ import annotations

from typing import Any

from mockserver.moodle.domain.formatting import external_format_string
from mockserver.moodle.site import Site
from mockserver.world.entities import SITE_COURSE_ID, Category, Course

FORMAT_OPTIONS = {
    "topics": (("hiddensections", 0), ("coursedisplay", 0)),
    "weeks": (("hiddensections", 0), ("coursedisplay", 0), ("automaticenddate", 1)),
}
"""``course_get_format($course)->get_format_options()`` of a fresh course, by format."""


DEFAULT_NUMSECTIONS = 4
"""``moodlecourse | numsections`` of a fresh site: a new course has sections 0..4."""


def last_section_number(course: Course) -> int:
    """``course_get_format($course)->get_last_section_number()``: the front page has sections 0 and 1."""
    return 1 if course.id == SITE_COURSE_ID else DEFAULT_NUMSECTIONS


def course_format(course: Course) -> str:
    return "site" if course.id == SITE_COURSE_ID else course.format


def format_options(course: Course) -> list[dict[str, Any]]:
    return [{"name": n, "value": v} for n, v in FORMAT_OPTIONS.get(course_format(course), ())]


def course_customfields(course: Course) -> list[dict[str, Any]]:
    """Course custom fields (text fields): ``{name, shortname, type, valueraw, value}``."""
    return [
        {"name": name, "shortname": name, "type": "text", "valueraw": value, "value": value}
        for name, value in course.customfields.items()
    ]


def names(course: Course, raw: bool) -> dict[str, str]:
    fullname = external_format_string(course.fullname, raw)
    return {
        "fullname": fullname,
        "displayname": fullname,  # get_course_display_name_for_list() without courselistshortnames
        "shortname": external_format_string(course.shortname, raw),
    }


def category_path(site: Site, category: Category) -> list[int]:
    """Ids from the top category down to ``category`` (a broken parent chain stops the walk)."""
    path = [category.id]
    seen = {category.id}
    parent = category.parent
    while parent and parent not in seen:
        found = site.store.category(parent)
        if found is None:
            break
        path.insert(0, found.id)
        seen.add(found.id)
        parent = found.parent
    return path


def category_sortorder(site: Site, course: Course) -> int:
    category = site.store.category(course.category)
    return category.sortorder if category is not None else 0


def course_count(site: Site, categoryid: int) -> int:
    return sum(1 for c in site.store.courses() if c.category == categoryid and c.id != SITE_COURSE_ID)


def frontpage_courses(site: Site) -> list[Course]:
    """``frontpage_available_courses``: the visible courses, at most ``$CFG->frontpagecourselimit`` of
    them (0: all), in the site's course order; it stops at the limit, so a large world costs the same."""
    limit = site.cfg.frontpagecourselimit
    listed: list[Course] = []
    for courseid in site.store.course_ids():
        course = site.store.course(courseid)
        if course is not None and course.id != SITE_COURSE_ID and course.visible:
            listed.append(course)
            if len(listed) == limit:
                break
    return listed
