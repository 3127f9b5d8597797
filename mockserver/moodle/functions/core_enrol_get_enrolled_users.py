"""``core_enrol_get_enrolled_users`` (moodle-webservice.md §4.10)."""

from __future__ import annotations

from typing import Any

from mockserver.moodle.domain.capabilities import require_capability
from mockserver.moodle.domain.enrolments import enrolment_is_active
from mockserver.moodle.domain.users import user_details
from mockserver.moodle.errors import DmlMissingRecordException, InvalidParameterException
from mockserver.moodle.site import Site
from mockserver.moodle.webservice.description import DEFAULT, OPTIONAL, Multiple, Single, Value
from mockserver.moodle.webservice.registry import Call, ExternalFunction
from mockserver.moodle.webservice.structures import course_user_profile
from mockserver.world.entities import Course, Enrolment, User

SORT_BY = ("id", "firstname", "lastname", "siteorder")


def parameters(_site: Site) -> Single:
    return Single(
        {
            "courseid": Value("int", "course id"),
            "options": Multiple(
                Single(
                    {
                        "name": Value("alphanumext", "option name"),
                        "value": Value("raw", "option value"),
                    }
                ),
                "Option names: withcapability, groupid, onlyactive, onlysuspended, userfields, limitfrom, "
                "limitnumber, sortby, sortdirection",
                DEFAULT,
                [],
            ),
        }
    )


class _Options:
    def __init__(self, site: Site, options: list[dict[str, Any]]) -> None:
        self.onlyactive = False
        self.onlysuspended = False
        self.userfields: list[str] | None = None
        self.limitfrom = 0
        self.limitnumber = 0
        self.sortby = "id"
        self.sortdirection = "ASC"
        self.withcapability = ""
        self.groupid = 0
        clean = site.cleaner.clean
        for option in options:
            name, value = option["name"], option["value"]
            if name == "withcapability":
                self.withcapability = str(value)
            elif name == "groupid":
                self.groupid = int(clean(value, "int"))  # type: ignore[call-overload]
            elif name == "onlyactive":
                self.onlyactive = bool(clean(value, "bool"))
            elif name == "onlysuspended":
                self.onlysuspended = bool(clean(value, "bool"))
            elif name == "userfields":
                self.userfields = [f.strip() for f in str(clean(value, "text")).split(",") if f.strip()]
            elif name == "limitfrom":
                self.limitfrom = int(clean(value, "int"))  # type: ignore[call-overload]
            elif name == "limitnumber":
                self.limitnumber = int(clean(value, "int"))  # type: ignore[call-overload]
            elif name == "sortby":
                self.sortby = str(value)
                if self.sortby not in SORT_BY:
                    raise InvalidParameterException(
                        f"Invalid value for sortby parameter (value: {value}), allowed values are: {','.join(SORT_BY)}"
                    )
            elif name == "sortdirection":
                direction = str(clean(value, "alpha")).upper()
                if direction not in ("ASC", "DESC"):
                    raise InvalidParameterException(
                        f"Invalid value for sortdirection parameter (value: {value}),allowed values are: ASC,DESC"
                    )
                self.sortdirection = direction
        if self.onlyactive and self.onlysuspended:
            raise InvalidParameterException(
                "Both onlyactive and onlysuspended are set, this is probably not what you want!"
            )


def _selected(site: Site, course: Course, options: _Options) -> list[tuple[User, Enrolment]]:
    rows = []
    for enrolment in site.store.enrolments_of_course(course.id):
        user = site.store.user(enrolment.userid)
        if user is None or user.deleted:
            continue
        active = enrolment_is_active(site, course, enrolment)
        if (options.onlyactive and not active) or (options.onlysuspended and active):
            continue
        if options.withcapability and not user.has_capability(options.withcapability):
            continue
        rows.append((user, enrolment))
    key = {
        "id": lambda r: r[0].id,
        "siteorder": lambda r: r[0].id,
        "firstname": lambda r: (r[0].firstname.casefold(), r[0].id),
        "lastname": lambda r: (r[0].lastname.casefold(), r[0].id),
    }[options.sortby]
    rows.sort(key=key, reverse=options.sortdirection == "DESC")
    rows = rows[options.limitfrom :]
    return rows[: options.limitnumber] if options.limitnumber > 0 else rows


def execute(call: Call, params: dict[str, Any]) -> list[dict[str, Any]]:
    site = call.site
    courseid = params["courseid"]
    course = site.store.course(courseid)
    if course is None:
        raise DmlMissingRecordException("course", "SELECT * FROM {course} WHERE id = ?", [courseid])
    options = _Options(site, params["options"])
    require_capability(call.user, "moodle/course:viewparticipants")
    result = []
    for user, enrolment in _selected(site, course, options):
        details = user_details(site, call.user, user, course)
        details["lastcourseaccess"] = enrolment.lastaccess or 0
        if options.userfields is not None:
            kept = set(options.userfields) | {"id", "fullname"}
            details = {k: v for k, v in details.items() if k in kept}
        result.append(details)
    return result


RETURNED_KEYS = (
    "id", "username", "firstname", "lastname", "fullname", "email", "address", "phone1", "phone2", "department",
    "institution", "idnumber", "interests", "firstaccess", "lastaccess", "lastcourseaccess", "description",
    "descriptionformat", "city", "country", "profileimageurlsmall", "profileimageurl", "customfields", "groups",
    "roles", "preferences", "enrolledcourses",
)  # fmt: skip
"""4.1's ``get_enrolled_users_returns()`` keys, in order: all optional but ``id`` and ``fullname``."""


def _returns() -> Multiple:
    known = dict(course_user_profile().keys)
    known["lastcourseaccess"] = Value("int", "last access to the course (0 if never)")
    keys: dict[str, Any] = {}
    for name in RETURNED_KEYS:
        description = known[name]
        if name in ("id", "fullname"):
            keys[name] = description
        elif isinstance(description, Value):
            keys[name] = Value(description.type, description.desc, OPTIONAL, allownull=description.allownull)
        elif isinstance(description, Multiple):
            keys[name] = Multiple(description.content, description.desc, OPTIONAL)
    return Multiple(Single(keys))


GET_ENROLLED_USERS = ExternalFunction(
    name="core_enrol_get_enrolled_users",
    component="core_enrol",
    parameters=parameters,
    returns=_returns(),
    execute=execute,
)

FUNCTIONS = (GET_ENROLLED_USERS,)
