"""``core_enrol_get_users_courses`` (moodle-webservice.md §4.9): the user's active enrolments with
progress, completion and last access as core computes them."""

from __future__ import annotations

from typing import Any

from mockserver.moodle.domain.courses import course_format, names
from mockserver.moodle.domain.enrolments import (
    active_courses,
    course_completed,
    enrolment_is_active,
    progress,
)
from mockserver.moodle.site import Site
from mockserver.moodle.webservice.description import DEFAULT, OPTIONAL, Multiple, Single, Value
from mockserver.moodle.webservice.registry import Call, ExternalFunction
from mockserver.moodle.webservice.structures import external_file
from mockserver.world.entities import Course


def parameters(_site: Site) -> Single:
    return Single(
        {
            "userid": Value("int", "user id"),
            "returnusercount": Value(
                "bool",
                "Include count of enrolled users for each course? This can add several seconds to the response "
                "time if a user is on several large courses, so set this to false if the value will not be used "
                "to improve performance.",
                DEFAULT,
                True,
            ),
        }
    )


def _may_view(call: Call, userid: int) -> bool:
    """The caller is the user, or may view participants and profiles (admins, managers)."""
    return call.user.id == userid or (
        call.user.has_capability("moodle/course:viewparticipants")
        and call.user.has_capability("moodle/user:viewdetails")
    )


def _enrolled_count(call: Call, course: Course) -> int:
    site = call.site
    return sum(1 for e in site.store.enrolments_of_course(course.id) if enrolment_is_active(site, course, e))


def _course(call: Call, course: Course, userid: int, with_count: bool) -> dict[str, Any]:
    site, now = call.site, call.site.clock.time()
    enrolment = site.store.enrolment(userid, course.id)
    may_see_completion = course.enablecompletion and (
        call.user.id == userid or call.user.has_capability("report/completion:view")
    )
    tracked = enrolment is not None and course.enablecompletion
    info: dict[str, Any] = {"id": course.id, **names(course, call.raw)}
    if with_count:
        info["enrolledusercount"] = _enrolled_count(call, course)
    info.update(
        idnumber=course.idnumber,
        visible=int(course.visible),
        summary=course.summary,
        summaryformat=1,
        format=course_format(course),
        showgrades=True,
        lang=course.lang,
        enablecompletion=course.enablecompletion,
        completionhascriteria=course.completion is not None and bool(course.completion.criteria),
        completionusertracked=tracked,
        category=course.category,
        progress=progress(course, enrolment, now) if may_see_completion else None,
        completed=course_completed(course, enrolment, now) if may_see_completion else None,
        startdate=course.startdate,
        enddate=course.enddate,
        marker=0,
        lastaccess=enrolment.lastaccess if enrolment is not None else None,
        isfavourite=False,
        hidden=False,
        overviewfiles=[],
        showactivitydates=True,
        showcompletionconditions=True,
        timemodified=course.timemodified,
    )
    return info


def execute(call: Call, params: dict[str, Any]) -> list[dict[str, Any]]:
    userid = params["userid"]
    if not _may_view(call, userid):
        return []
    courses = [_course(call, c, userid, params["returnusercount"]) for c in active_courses(call.site, userid)]
    if call.site.cfg.version == "4.5":
        for info in courses:
            info["courseimage"] = f"{call.site.wwwroot}/course/generated/{info['id']}.svg"
    return courses


COURSE_KEYS: dict[str, Value | Single | Multiple] = {
    "id": Value("int", "id of course"),
    "shortname": Value("raw", "short name of course"),
    "fullname": Value("raw", "long name of course"),
    "displayname": Value("raw", "course display name for lists.", OPTIONAL),
    "enrolledusercount": Value("int", "Number of enrolled users in this course", OPTIONAL),
    "idnumber": Value("raw", "id number of course"),
    "visible": Value("int", "1 means visible, 0 means not yet visible course"),
    "summary": Value("raw", "summary", OPTIONAL),
    "summaryformat": Value("int", "summary format", OPTIONAL),
    "format": Value("plugin", "course format: weeks, topics, social, site", OPTIONAL),
    "showgrades": Value("bool", "true if grades are shown, otherwise false", OPTIONAL),
    "lang": Value("lang", "forced course language", OPTIONAL),
    "enablecompletion": Value("bool", "true if completion is enabled, otherwise false", OPTIONAL),
    "completionhascriteria": Value("bool", "If completion criteria is set.", OPTIONAL),
    "completionusertracked": Value("bool", "If the user is completion tracked.", OPTIONAL),
    "category": Value("int", "course category id", OPTIONAL),
    "progress": Value("float", "Progress percentage", OPTIONAL, allownull=True),
    "completed": Value("bool", "Whether the course is completed.", OPTIONAL, allownull=True),
    "startdate": Value("int", "Timestamp when the course start", OPTIONAL),
    "enddate": Value("int", "Timestamp when the course end", OPTIONAL),
    "marker": Value("int", "Course section marker.", OPTIONAL),
    "lastaccess": Value("int", "Last access to the course (timestamp).", OPTIONAL, allownull=True),
    "isfavourite": Value("bool", "If the user marked this course a favourite.", OPTIONAL),
    "hidden": Value("bool", "If the user hide the course from the dashboard.", OPTIONAL),
    "overviewfiles": Multiple(
        external_file(),
        "Overview files attached to this course.",
        OPTIONAL,
    ),
    "showactivitydates": Value("bool", "Whether the activity dates are shown or not"),
    "showcompletionconditions": Value("bool", "Whether the activity completion conditions are shown or not"),
    "timemodified": Value("int", "Last time course settings were updated (timestamp).", OPTIONAL),
}
RETURNS = Multiple(Single(COURSE_KEYS))
_COURSEIMAGE_AFTER = "format"
RETURNS_NEWEST = Multiple(
    Single(
        {
            key: value
            for name, description in COURSE_KEYS.items()
            for key, value in (
                ((name, description), ("courseimage", Value("url", "The course image URL", OPTIONAL)))
                if name == _COURSEIMAGE_AFTER
                else ((name, description),)
            )
        }
    )
)


def returns(site: Site) -> Multiple:
    """4.5 adds ``courseimage`` after ``format``."""
    return RETURNS_NEWEST if site.cfg.version == "4.5" else RETURNS


GET_USERS_COURSES = ExternalFunction(
    name="core_enrol_get_users_courses",
    component="core_enrol",
    parameters=parameters,
    returns=RETURNS,
    execute=execute,
    returns_for=returns,
)

FUNCTIONS = (GET_USERS_COURSES,)
