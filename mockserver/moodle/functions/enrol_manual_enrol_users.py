"""``enrol_manual_enrol_users`` (moodle-webservice.md §4.11): one transaction; the first failure aborts."""

from __future__ import annotations

from typing import Any

from mockserver.moodle.domain.capabilities import require_capability
from mockserver.moodle.domain.enrolments import enrol_user, instance_enabled
from mockserver.moodle.errors import (
    CodingException,
    InvalidParameterException,
    MissingRecordException,
    MoodleException,
)
from mockserver.moodle.site import Site
from mockserver.moodle.webservice.description import OPTIONAL, Multiple, Single, Value
from mockserver.moodle.webservice.registry import Call, ExternalFunction
from mockserver.world.entities import ROLE_NAMES, Course

ASSIGNABLE_BY_MANAGER = frozenset(ROLE_NAMES)
"""Roles a manager or admin may assign in a course (every standard role but guest/user/frontpage)."""


def parameters(_site: Site) -> Single:
    return Single(
        {
            "enrolments": Multiple(
                Single(
                    {
                        "roleid": Value("int", "Role to assign to the user"),
                        "userid": Value("int", "The user that is going to be enrolled"),
                        "courseid": Value("int", "The course to enrol the user role in"),
                        "timestart": Value("int", "Timestamp when the enrolment start", OPTIONAL),
                        "timeend": Value("int", "Timestamp when the enrolment end", OPTIONAL),
                        "suspend": Value("int", "set to 1 to suspend the enrolment", OPTIONAL),
                    }
                )
            )
        }
    )


def wsnoinstance(site: Site, courseid: int) -> MoodleException:
    """4.1 passes ``$a`` in the wrong argument position: the placeholder stays literal (fixed later)."""
    a = {"courseid": courseid} if site.cfg.version == "4.5" else None
    return MoodleException("wsnoinstance", "enrol_manual", a)


def _check(call: Call, item: dict[str, Any]) -> Course:
    site = call.site
    course = site.store.course(item["courseid"])
    if course is None:
        raise InvalidParameterException("Context does not exist")
    require_capability(call.user, "enrol/manual:enrol")
    if item["roleid"] not in ASSIGNABLE_BY_MANAGER or (
        not call.user.siteadmin and not call.user.has_capability("moodle/role:assign")
    ):
        raise MoodleException("wsusercannotassign", "enrol_manual", dict(item))
    if not instance_enabled(course, "manual"):
        raise wsnoinstance(site, course.id)
    if site.cfg.version == "4.5":
        user = site.store.user(item["userid"])
        if user is None:
            raise MissingRecordException("invaliduser", "error")
        if user.deleted:
            raise MoodleException("userdeleted", "error")
        if user.suspended:
            raise MoodleException("suspended", "error")
    else:
        # 4.1 loads no user: enrol_user() inserts the enrolment and then role_assign() refuses an unknown or
        # deleted user (lib/accesslib.php) — the item's last check, and the transaction rolls back.
        user = site.store.user(item["userid"])
        if user is None or user.deleted:
            raise CodingException("User ID does not exist or is deleted!", f"userid:{item['userid']}")
    return course


def execute(call: Call, params: dict[str, Any]) -> None:
    # Items are checked in order and nothing is written until every one passed: the first failure
    # aborts the delegated transaction, so an earlier item is never half-enrolled.
    staged = [(_check(call, item), item) for item in params["enrolments"]]
    # Every item passed: the transaction commits.
    for course, item in staged:
        enrol_user(
            call.site,
            course,
            item["userid"],
            ROLE_NAMES[item["roleid"]],
            item.get("timestart", 0),
            item.get("timeend", 0),
            1 if item.get("suspend") else 0,
        )


ENROL_USERS = ExternalFunction(
    name="enrol_manual_enrol_users",
    component="enrol_manual",
    parameters=parameters,
    returns=None,
    execute=execute,
)

FUNCTIONS = (ENROL_USERS,)
