"""``core_course_get_courses_by_field`` (moodle-webservice.md §4.7)."""

from __future__ import annotations

from typing import Any

from mockserver.moodle.domain.courses import course_customfields, course_format, format_options, names
from mockserver.moodle.domain.enrolments import active_enrolment, instance_enabled
from mockserver.moodle.domain.formatting import external_format_string
from mockserver.moodle.errors import InvalidParameterException
from mockserver.moodle.site import Site
from mockserver.moodle.webservice.description import DEFAULT, OPTIONAL, Multiple, Single, Value
from mockserver.moodle.webservice.registry import Call, ExternalFunction
from mockserver.moodle.webservice.structures import external_file, warnings_structure
from mockserver.world.entities import SITE_COURSE_ID, Course

FIELDS = ("", "id", "ids", "shortname", "idnumber", "category")


def parameters(_site: Site) -> Single:
    return Single(
        {
            "field": Value(
                "alpha",
                "The field to search can be left empty for all courses or:\n"
                "    id: course id\n    ids: comma separated course ids\n    shortname: course short name\n"
                "    idnumber: course id number\n    category: category id the course belongs to\n",
                DEFAULT,
                "",
            ),
            "value": Value("raw", "The value to match", DEFAULT, ""),
        }
    )


def _select(site: Site, field: str, value: str) -> tuple[list[Course], list[int]]:
    """Matching courses, and the requested ids that matched nothing (``ids`` only)."""
    courses = [c for c in site.store.courses() if c.id != SITE_COURSE_ID]
    if field == "":
        return courses, []
    if field == "id":
        wanted = int(site.cleaner.clean(value, "int"))  # type: ignore[call-overload]
        return [c for c in courses if c.id == wanted], []
    if field == "ids":
        ids = [int(v) for v in str(site.cleaner.clean(value, "sequence")).split(",") if v]
        found = {c.id: c for c in courses if c.id in set(ids)}
        return [found[i] for i in sorted(found)], [i for i in ids if i not in found]
    if field == "category":
        wanted = int(site.cleaner.clean(value, "int"))  # type: ignore[call-overload]
        return [c for c in courses if c.category == wanted], []
    cleaned = str(site.cleaner.clean(value, "raw"))
    return [c for c in courses if getattr(c, field) == cleaned], []


def _can_enter(call: Call, course: Course) -> bool:
    return (
        call.user.has_capability("moodle/course:view")
        or active_enrolment(call.site, call.user.id, course.id) is not None
    )


def _course(call: Call, course: Course) -> dict[str, Any]:
    site = call.site
    category = site.store.category(course.category)
    info: dict[str, Any] = {
        "id": course.id,
        **names(course, call.raw),
        "categoryid": course.category,
        "categoryname": external_format_string(category.name, call.raw) if category is not None else "",
        "sortorder": (category.sortorder if category is not None else 0) + course.id,
        "summary": course.summary,
        "summaryformat": 1,
        "summaryfiles": [],
        "overviewfiles": [],
        "showactivitydates": True,
        "showcompletionconditions": True,
        "contacts": [
            {"id": u.id, "fullname": u.fullname}
            for e in site.store.enrolments_of_course(course.id)
            if e.role == "editingteacher" and (u := site.store.user(e.userid)) is not None and not u.deleted
        ],
        "enrollmentmethods": [m for m in ("manual", "self") if instance_enabled(course, m)],
        "customfields": course_customfields(course),
    }
    if not _can_enter(call, course):
        return info
    manager = call.user.has_capability("moodle/course:update")
    info.update(
        {
            "format": course_format(course),
            "showgrades": 1,
            "newsitems": 5,
            "startdate": course.startdate,
            "enddate": course.enddate,
            "maxbytes": 0,
            "showreports": 0,
            "visible": int(course.visible),
            "groupmode": 0,
            "groupmodeforce": 0,
            "defaultgroupingid": 0,
            "enablecompletion": int(course.enablecompletion),
            "completionnotify": 0,
            "lang": course.lang,
            "theme": "",
            "marker": 0,
            "filters": [],
            "courseformatoptions": format_options(course),
        }
    )
    if manager:
        info.update(
            idnumber=course.idnumber,
            legacyfiles=0,
            calendartype="",
            timecreated=course.timecreated,
            timemodified=course.timemodified,
            requested=0,
            cacherev=course.timemodified,
        )
    return info


def execute(call: Call, params: dict[str, Any]) -> dict[str, Any]:
    field, value = params["field"], params["value"]
    if field not in FIELDS:
        raise InvalidParameterException("Invalid field name")
    courses, missing = _select(call.site, field, value)
    visible = [c for c in courses if c.visible or call.user.has_capability("moodle/course:viewhiddencourses")]
    warnings = [
        {"item": "course", "itemid": i, "warningcode": "1", "message": "No access rights in course context"}
        for i in missing
    ]
    return {"courses": [_course(call, c) for c in visible], "warnings": warnings}


def _name_value(name_type: str) -> Single:
    return Single({"name": Value(name_type, "name"), "value": Value("raw", "value")})


COURSE = Single(
    {
        "id": Value("int", "course id"),
        "fullname": Value("raw", "course full name"),
        "displayname": Value("raw", "course display name"),
        "shortname": Value("raw", "course short name"),
        "categoryid": Value("int", "category id"),
        "categoryname": Value("raw", "category name"),
        "sortorder": Value("int", "Sort order in the category", OPTIONAL),
        "summary": Value("raw", "summary"),
        "summaryformat": Value("int", "summary format"),
        "summaryfiles": Multiple(external_file(), "summary files in the summary field", OPTIONAL),
        "overviewfiles": Multiple(external_file(), "additional overview files attached to this course"),
        "showactivitydates": Value("bool", "Whether the activity dates are shown or not", allownull=True),
        "showcompletionconditions": Value(
            "bool", "Whether the activity completion conditions are shown or not", allownull=True
        ),
        "contacts": Multiple(
            Single({"id": Value("int", "contact user id"), "fullname": Value("notags", "contact user fullname")}),
            "contact users",
        ),
        "enrollmentmethods": Multiple(Value("plugin", "enrollment method"), "enrollment methods list"),
        "customfields": Multiple(
            Single(
                {
                    "name": Value("raw", "The name of the custom field"),
                    "shortname": Value(
                        "raw", "The shortname of the custom field - to be able to build the field class in the code"
                    ),
                    "type": Value("alphanumext", "The type of the custom field - text field, checkbox..."),
                    "valueraw": Value("raw", "The raw value of the custom field"),
                    "value": Value("raw", "The value of the custom field"),
                }
            ),
            "Custom fields",
            OPTIONAL,
        ),
        "idnumber": Value("raw", "Id number", OPTIONAL),
        "format": Value("plugin", "Course format: weeks, topics, social, site,..", OPTIONAL),
        "showgrades": Value("int", "true if grades are shown, otherwise false", OPTIONAL),
        "newsitems": Value("int", "Number of recent items appearing on the course page", OPTIONAL),
        "startdate": Value("int", "Timestamp when the course start", OPTIONAL),
        "enddate": Value("int", "Timestamp when the course end", OPTIONAL),
        "maxbytes": Value("int", "Largest size of file that can be uploaded into", OPTIONAL),
        "showreports": Value("int", "Are activity report shown (yes = 1, no =0)", OPTIONAL),
        "visible": Value("int", "1: available to student, 0:not available", OPTIONAL),
        "groupmode": Value("int", "no group, separate, visible", OPTIONAL),
        "groupmodeforce": Value("int", "1: yes, 0: no", OPTIONAL),
        "defaultgroupingid": Value("int", "default grouping id", OPTIONAL),
        "enablecompletion": Value("int", "Completion enabled? 1: yes 0: no", OPTIONAL),
        "completionnotify": Value("int", "1: yes 0: no", OPTIONAL),
        "lang": Value("safedir", "Forced course language", OPTIONAL),
        "theme": Value("plugin", "Fame of the forced theme", OPTIONAL),
        "marker": Value("int", "Current course marker", OPTIONAL),
        "legacyfiles": Value("int", "If legacy files are enabled", OPTIONAL),
        "calendartype": Value("plugin", "Calendar type", OPTIONAL),
        "timecreated": Value("int", "Time when the course was created", OPTIONAL),
        "timemodified": Value("int", "Last time  the course was updated", OPTIONAL),
        "requested": Value("int", "If is a requested course", OPTIONAL),
        "cacherev": Value("int", "Cache revision number", OPTIONAL),
        "filters": Multiple(
            Single(
                {
                    "filter": Value("plugin", "Filter plugin name"),
                    "localstate": Value("int", "Filter state: 1 for on, -1 for off, 0 if inherit"),
                    "inheritedstate": Value("int", "1 or 0 to use when localstate is set to inherit"),
                }
            ),
            "Course filters",
            OPTIONAL,
        ),
        "courseformatoptions": Multiple(
            _name_value("alphanumext"), "Additional options for particular course format.", OPTIONAL
        ),
    },
    "Course",
)

GET_COURSES_BY_FIELD = ExternalFunction(
    name="core_course_get_courses_by_field",
    component="core_course",
    parameters=parameters,
    returns=Single({"courses": Multiple(COURSE, "Course"), "warnings": warnings_structure()}),
    execute=execute,
)

FUNCTIONS = (GET_COURSES_BY_FIELD,)
