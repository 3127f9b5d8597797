"""``core_user_get_course_user_profiles`` (moodle-webservice.md §4.5)."""

from __future__ import annotations

from typing import Any

from mockserver.moodle.domain.users import user_details
from mockserver.moodle.errors import InvalidParameterException
from mockserver.moodle.site import Site
from mockserver.moodle.webservice.description import Multiple, Single, Value
from mockserver.moodle.webservice.registry import Call, ExternalFunction
from mockserver.moodle.webservice.structures import course_user_profile


def parameters(_site: Site) -> Single:
    return Single(
        {"userlist": Multiple(Single({"userid": Value("int", "userid"), "courseid": Value("int", "courseid")}))}
    )


def execute(call: Call, params: dict[str, Any]) -> list[dict[str, Any]]:
    site = call.site
    # Core keys the course by user id: a user listed twice is answered once, for the last course.
    course_of = {item["userid"]: item["courseid"] for item in params["userlist"]}
    result = []
    for userid in sorted(course_of):
        user = site.store.user(userid)
        if user is None or user.deleted:
            continue
        course = site.store.course(course_of[userid])
        if course is None:
            raise InvalidParameterException("Context does not exist")  # validate_context(false)
        result.append(user_details(site, call.user, user, course))
    return result


GET_COURSE_USER_PROFILES = ExternalFunction(
    name="core_user_get_course_user_profiles",
    component="core_user",
    parameters=parameters,
    returns=Multiple(course_user_profile()),
    execute=execute,
)

FUNCTIONS = (GET_COURSE_USER_PROFILES,)
