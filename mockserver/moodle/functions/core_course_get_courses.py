"""``core_course_get_courses`` (moodle-webservice.md §4.6): no ids means every course, the site too."""

from __future__ import annotations

from typing import Any

from mockserver.moodle.domain.capabilities import require_capability
from mockserver.moodle.domain.courses import (
    category_sortorder,
    course_customfields,
    course_format,
    format_options,
    last_section_number,
    names,
)
from mockserver.moodle.site import Site
from mockserver.moodle.webservice.description import DEFAULT, OPTIONAL, Multiple, Single, Value
from mockserver.moodle.webservice.registry import Call, ExternalFunction
from mockserver.world.entities import SITE_COURSE_ID, Course


def parameters(_site: Site) -> Single:
    return Single(
        {
            "options": Single(
                {
                    "ids": Multiple(
                        Value("int", "Course id"),
                        "List of course id. If empty return all courses except front page course.",
                        OPTIONAL,
                    )
                },
                "options - operator OR is used",
                DEFAULT,
                {},
            )
        }
    )


def _course(site: Site, call: Call, course: Course) -> dict[str, Any]:
    site_course = course.id == SITE_COURSE_ID
    info: dict[str, Any] = {
        "id": course.id,
        **names(course, call.raw),
        "categoryid": course.category,
        "summary": course.summary,
        "summaryformat": 1,
        "format": course_format(course),
        "startdate": course.startdate,
        "enddate": course.enddate,
        "showactivitydates": not site_course,
        "showcompletionconditions": not site_course,
        "customfields": course_customfields(course),
    }
    if call.user.has_capability("moodle/course:update"):
        info.update(
            categorysortorder=category_sortorder(site, course),
            idnumber=course.idnumber,
            showgrades=1,
            newsitems=1 if site_course else 5,
            visible=int(course.visible),
            maxbytes=0,
            showreports=0,
            groupmode=0,
            groupmodeforce=0,
            defaultgroupingid=0,
            lang=course.lang,
            timecreated=course.timecreated,
            timemodified=course.timemodified,
            forcetheme="",
            enablecompletion=int(course.enablecompletion),
            completionnotify=0,
            courseformatoptions=format_options(course),
        )
        # 4.1 returns these two "for backward-compatibility": hiddensections only when the format has it.
        info["numsections"] = last_section_number(course)
        hidden = [o["value"] for o in info["courseformatoptions"] if o["name"] == "hiddensections"]
        if hidden:
            info["hiddensections"] = hidden[0]
    return info


def execute(call: Call, params: dict[str, Any]) -> list[dict[str, Any]]:
    site = call.site
    ids = params["options"].get("ids")
    if ids:
        wanted = set(ids)
        courses = [c for c in site.store.courses() if c.id in wanted]
    else:
        courses = site.store.courses()
    result = []
    for course in courses:
        if course.id != SITE_COURSE_ID:
            require_capability(call.user, "moodle/course:view")  # one inaccessible course fails the call
        info = _course(site, call, course)
        if (
            course.visible
            or call.user.has_capability("moodle/course:update")
            or call.user.has_capability("moodle/course:viewhiddencourses")
        ):
            result.append(info)
    return result


RETURNS = Multiple(
    Single(
        {
            "id": Value("int", "course id"),
            "shortname": Value("raw", "course short name"),
            "categoryid": Value("int", "category id"),
            "categorysortorder": Value("int", "sort order into the category", OPTIONAL),
            "fullname": Value("raw", "full name"),
            "displayname": Value("raw", "course display name"),
            "idnumber": Value("raw", "id number", OPTIONAL),
            "summary": Value("raw", "summary"),
            "summaryformat": Value("int", "summary format"),
            "format": Value("plugin", "course format: weeks, topics, social, site,.."),
            "showgrades": Value("int", "1 if grades are shown, otherwise 0", OPTIONAL),
            "newsitems": Value("int", "number of recent items appearing on the course page", OPTIONAL),
            "startdate": Value("int", "timestamp when the course start"),
            "enddate": Value("int", "timestamp when the course end"),
            "numsections": Value("int", "(deprecated, use courseformatoptions) number of weeks/topics", OPTIONAL),
            "maxbytes": Value("int", "largest size of file that can be uploaded into the course", OPTIONAL),
            "showreports": Value("int", "are activity report shown (yes = 1, no =0)", OPTIONAL),
            "visible": Value("int", "1: available to student, 0:not available", OPTIONAL),
            "hiddensections": Value("int", "(deprecated, use courseformatoptions) How the hidden sections", OPTIONAL),
            "groupmode": Value("int", "no group, separate, visible", OPTIONAL),
            "groupmodeforce": Value("int", "1: yes, 0: no", OPTIONAL),
            "defaultgroupingid": Value("int", "default grouping id", OPTIONAL),
            "timecreated": Value("int", "timestamp when the course have been created", OPTIONAL),
            "timemodified": Value("int", "timestamp when the course have been modified", OPTIONAL),
            "enablecompletion": Value("int", "Enabled, control via completion and activity settings", OPTIONAL),
            "completionnotify": Value("int", "1: yes 0: no", OPTIONAL),
            "lang": Value("safedir", "forced course language", OPTIONAL),
            "forcetheme": Value("plugin", "name of the force theme", OPTIONAL),
            "courseformatoptions": Multiple(
                Single(
                    {
                        "name": Value("alpha", "course format option name"),
                        "value": Value("raw", "course format option value"),
                    }
                ),
                "additional options for particular course format",
                OPTIONAL,
            ),
            "showactivitydates": Value("bool", "Whether the activity dates are shown or not", allownull=True),
            "showcompletionconditions": Value(
                "bool", "Whether the activity completion conditions are shown or not", allownull=True
            ),
            "customfields": Multiple(
                Single(
                    {
                        "name": Value("raw", "The name of the custom field"),
                        "shortname": Value("alphanumext", "The shortname of the custom field"),
                        "type": Value("plugin", "The type of the custom field - text, checkbox..."),
                        "valueraw": Value("raw", "The raw value of the custom field"),
                        "value": Value("raw", "The value of the custom field"),
                    }
                ),
                "Custom fields and associated values",
                OPTIONAL,
            ),
        },
        "course",
    )
)

GET_COURSES = ExternalFunction(
    name="core_course_get_courses",
    component="core_course",
    parameters=parameters,
    returns=RETURNS,
    execute=execute,
)

FUNCTIONS = (GET_COURSES,)
