"""``core_completion_get_course_completion_status`` (moodle-webservice.md §4.13)."""

from __future__ import annotations

from typing import Any

from mockserver.moodle.domain.enrolments import (
    COMPLETION_TYPE_ACTIVITY,
    COMPLETION_TYPE_SELF,
    course_completed,
    criterion_complete,
)
from mockserver.moodle.errors import DmlMissingRecordException, MissingRecordException, MoodleException
from mockserver.moodle.lang import get_string
from mockserver.moodle.site import Site
from mockserver.moodle.webservice.description import Multiple, Single, Value
from mockserver.moodle.webservice.registry import Call, ExternalFunction
from mockserver.moodle.webservice.structures import warnings_structure
from mockserver.world.entities import Course, Criterion, Enrolment


def parameters(_site: Site) -> Single:
    return Single({"courseid": Value("int", "Course ID"), "userid": Value("int", "User ID")})


def _activity_name(course: Course, cmid: int) -> tuple[str, str]:
    for activity in course.activities:
        if activity.cmid == cmid:
            return activity.name, activity.modname
    return "", "page"


def _completion(call: Call, course: Course, criterion: Criterion, enrolment: Enrolment) -> dict[str, Any]:
    site, lang = call.site, call.lang
    now = site.clock.time()
    done = criterion_complete(criterion, enrolment, now)
    details: dict[str, Any]
    if criterion.type == COMPLETION_TYPE_ACTIVITY:
        title = get_string("activitiescompleted", "completion", lang=lang)
        name, modname = _activity_name(course, criterion.cmid)
        details = {
            "type": title,
            "criteria": f'<a href="{site.wwwroot}/mod/{modname}/view.php?id={criterion.cmid}">{name}</a>',
            "requirement": get_string("markingyourselfcomplete", "completion", lang=lang),
            "status": "",
        }
    elif criterion.type == COMPLETION_TYPE_SELF:
        title = get_string("selfcompletion", "completion", lang=lang)
        details = {
            "type": title,
            "criteria": title,
            "requirement": get_string("markingyourselfcomplete", "completion", lang=lang),
            "status": "",
        }
    else:
        title = get_string("date", lang=lang)
        details = {
            "type": get_string("datepassed", "completion", lang=lang),
            "criteria": get_string("remainingenroleduntildate", "completion", lang=lang),
            "requirement": str(criterion.timeend),
            "status": "",
        }
    return {
        "type": criterion.type,
        "title": title,
        "status": get_string("yes" if done else "no", lang=lang),
        "complete": done,
        # The world keeps no per-criterion times: a met criterion reports the course completion time, or
        # the enrolment's creation when the course is not complete yet (stable across calls).
        "timecompleted": (enrolment.timecompleted or enrolment.timecreated) if done else None,
        "details": details,
    }


def execute(call: Call, params: dict[str, Any]) -> dict[str, Any]:
    site = call.site
    course = site.store.course(params["courseid"])
    if course is None:
        raise DmlMissingRecordException("course", "SELECT * FROM {course} WHERE id = ?", [params["courseid"]])
    user = site.store.user(params["userid"])
    if user is None:
        raise MissingRecordException("invaliduser", "error")
    if user.deleted:
        raise MoodleException("userdeleted", "error")
    if user.suspended:
        raise MoodleException("suspended", "error")
    own = call.user.id == user.id
    if not course.enablecompletion or not (own or call.user.has_capability("report/completion:view")):
        raise MoodleException("cannotviewreport", "error")
    enrolment = site.store.enrolment(user.id, course.id)
    if enrolment is None:
        raise MoodleException("notenroled" if own else "usernotenroled", "completion")
    rules = course.completion
    if rules is None or not rules.criteria:
        raise MoodleException("nocriteriaset", "completion")
    return {
        "completionstatus": {
            "completed": course_completed(course, enrolment, site.clock.time()),
            "aggregation": rules.aggregation,
            "completions": [_completion(call, course, c, enrolment) for c in rules.criteria],
        },
        "warnings": [],
    }


RETURNS = Single(
    {
        "completionstatus": Single(
            {
                "completed": Value("bool", "true if the course is complete, false otherwise"),
                "aggregation": Value("int", "aggregation method 1 means all, 2 means any"),
                "completions": Multiple(
                    Single(
                        {
                            "type": Value("int", "Completion criteria type"),
                            "title": Value("text", "Completion criteria Title"),
                            "status": Value("notags", "Completion status (Yes/No) a % or number"),
                            "complete": Value("bool", "Completion status (true/false)"),
                            "timecompleted": Value("int", "Timestamp for criteria completetion", allownull=True),
                            "details": Single(
                                {
                                    "type": Value("text", "Type description"),
                                    "criteria": Value("raw", "Criteria description"),
                                    "requirement": Value("text", "Requirement description"),
                                    "status": Value("raw", "Status description, can be anything"),
                                },
                                "details",
                            ),
                        },
                        "Completions",
                    ),
                    "",
                ),
            },
            "Course status",
        ),
        "warnings": warnings_structure(),
    },
    "Course completion status",
)

GET_COURSE_COMPLETION_STATUS = ExternalFunction(
    name="core_completion_get_course_completion_status",
    component="core_completion",
    parameters=parameters,
    returns=RETURNS,
    execute=execute,
)

FUNCTIONS = (GET_COURSE_COMPLETION_STATUS,)
