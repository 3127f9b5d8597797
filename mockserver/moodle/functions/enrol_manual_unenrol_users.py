"""``enrol_manual_unenrol_users`` (moodle-webservice.md §4.12): one transaction; unknown enrolments are no-ops."""

from __future__ import annotations

from typing import Any

from mockserver.moodle.domain.capabilities import require_capability
from mockserver.moodle.domain.enrolments import instance_enabled, unenrol_user
from mockserver.moodle.errors import DmlMissingRecordException, InvalidParameterException, MissingRecordException
from mockserver.moodle.functions.enrol_manual_enrol_users import wsnoinstance
from mockserver.moodle.site import Site
from mockserver.moodle.webservice.description import OPTIONAL, Multiple, Single, Value
from mockserver.moodle.webservice.registry import Call, ExternalFunction


def parameters(site: Site) -> Single:
    keys: dict[str, Value] = {
        "userid": Value("int", "The user that is going to be unenrolled"),
        "courseid": Value("int", "The course to unenrol the user from"),
    }
    if site.cfg.version == "4.1":
        keys["roleid"] = Value("int", "The user role", OPTIONAL)  # accepted and ignored; removed later
    return Single({"enrolments": Multiple(Single(dict(keys)))})


def _check(call: Call, item: dict[str, Any]) -> None:
    site = call.site
    courseid, userid = item["courseid"], item["userid"]
    course = site.store.course(courseid)
    if course is None:
        raise DmlMissingRecordException("course", "SELECT * FROM {course} WHERE id = ?", [courseid])
    require_capability(call.user, "enrol/manual:unenrol")
    if not instance_enabled(course, "manual"):
        raise wsnoinstance(site, courseid)
    if site.store.user(userid) is None:
        if site.cfg.version == "4.5":
            raise MissingRecordException("invaliduser", "error")
        raise InvalidParameterException(f"User id not exist: {userid}")


def execute(call: Call, params: dict[str, Any]) -> None:
    for item in params["enrolments"]:
        _check(call, item)
    for item in params["enrolments"]:
        unenrol_user(call.site, item["userid"], item["courseid"])


UNENROL_USERS = ExternalFunction(
    name="enrol_manual_unenrol_users",
    component="enrol_manual",
    parameters=parameters,
    returns=None,
    execute=execute,
)

FUNCTIONS = (UNENROL_USERS,)
