"""The world a scenario describes, indexed once and shared (copy-on-write).

A world of 100,000 users and 200,000 enrolments must load in seconds and reset in milliseconds,
so it is indexed once per loaded scenario: every tenant of that scenario and every reset
generation shares one ``World`` and keeps only what requests read or changed in its own
``MemoryStore`` overlay (mockserver/world/store.py). Reset and a new tenant therefore cost the
same for a large world as for the demo.

The ``World`` holds the validated specs themselves (frozen pydantic models, already in memory for
the scenario) and only the indexes lookups need; an entity is made from its spec when a store
first reads it (``user``, ``course``, ``enrolment``), stamped with that generation's start
(``born``: ``timecreated``/``timemodified``, which a scenario does not set). Nothing here is ever
handed out twice, so a change in one tenant can never reach the base or another tenant.
"""

from __future__ import annotations

import threading
import weakref
from dataclasses import replace
from typing import TYPE_CHECKING, Any

from mockserver.world.entities import (
    GUEST_USER_ID,
    SITE_COURSE_ID,
    Activity,
    CompletionRules,
    Course,
    Criterion,
    Enrolment,
    User,
)

if TYPE_CHECKING:
    from mockserver.world.spec import CourseSpec, EnrolmentSpec, Scenario, UserSpec

INDEXED_USER_FIELDS = ("username", "email", "idnumber")

_NO_IDS: tuple[int, ...] = ()


class World:
    """Users, courses and enrolments of a scenario by id, with the indexes lookups need; never changed."""

    def __init__(self, scenario: Scenario | None = None) -> None:
        self.users: dict[int, UserSpec | User] = {}
        self.courses: dict[int, CourseSpec | Course] = {}
        self.by_user: dict[int, dict[int, EnrolmentSpec]] = {}
        self.by_course: dict[int, tuple[int, ...]] = {}
        self.lang = "en"
        if scenario is not None:
            self._index(scenario)
        self.user_ids: list[int] = sorted(self.users)
        self.course_ids: list[int] = sorted(self.courses)
        self.highest_user_id = self.user_ids[-1] if self.user_ids else 0
        # field -> value -> user ids (a tuple only where a value repeats: most values are unique)
        self.by_field: dict[str, dict[str, int | tuple[int, ...]]] = {}
        for field in INDEXED_USER_FIELDS:
            first: dict[str, int] = {}
            repeated: dict[str, list[int]] = {}
            for uid in self.user_ids:
                value = str(getattr(self.users[uid], field))
                seen = first.setdefault(value, uid)
                if seen != uid:
                    repeated.setdefault(value, [seen]).append(uid)
            index: dict[str, int | tuple[int, ...]] = dict(first)
            for value, ids in repeated.items():
                index[value] = tuple(ids)
            self.by_field[field] = index

    def _index(self, scenario: Scenario) -> None:
        self.lang = scenario.moodle.lang
        guest = User(GUEST_USER_ID, "guest", firstname="Guest user", lastname=" ", auth="manual", lang=self.lang)
        users: dict[int, UserSpec | User] = {GUEST_USER_ID: guest}
        by_username = {"guest": GUEST_USER_ID}
        next_id = max([u.id for u in scenario.users if u.id is not None] + [1]) + 1
        for spec in scenario.users:
            if spec.id is None:
                uid, next_id = next_id, next_id + 1
            else:
                uid = spec.id
            users[uid] = spec
            by_username[spec.username] = uid
        courses: dict[int, CourseSpec | Course] = {
            SITE_COURSE_ID: Course(SITE_COURSE_ID, "site", scenario.moodle.sitename, category=0)
        }
        by_shortname = {"site": SITE_COURSE_ID}
        next_course = max([c.id for c in scenario.courses if c.id is not None] + [1]) + 1
        for cspec in scenario.courses:
            if cspec.id is None:
                cid, next_course = next_course, next_course + 1
            else:
                cid = cspec.id
            courses[cid] = cspec
            by_shortname[cspec.shortname] = cid
        by_user = self.by_user
        by_course: dict[int, list[int]] = {}
        for espec in scenario.enrolments:
            userid, courseid = by_username[espec.user], by_shortname[espec.course]
            mine = by_user.get(userid)
            if mine is None:
                mine = by_user[userid] = {}
            mine[courseid] = espec
            by_course.setdefault(courseid, []).append(userid)
        self.by_course = {c: tuple(sorted(set(ids))) for c, ids in by_course.items()}
        self.users, self.courses = users, courses

    def ids_with(self, field: str, value: str) -> tuple[int, ...]:
        """Ids of the users whose ``field`` (an indexed one) is ``value``, lowest first."""
        found = self.by_field[field].get(value)
        if found is None:
            return _NO_IDS
        return (found,) if isinstance(found, int) else found

    def has_enrolment(self, userid: int, courseid: int) -> bool:
        mine = self.by_user.get(userid)
        return mine is not None and courseid in mine

    # the entities, made afresh for a generation that started at ``born``
    def user(self, userid: int, born: int) -> User | None:
        spec = self.users.get(userid)
        if spec is None:
            return None
        if isinstance(spec, User):
            return replace(spec, profile=dict(spec.profile), preferences=dict(spec.preferences))
        return User(
            id=userid,
            username=spec.username,
            password=spec.password,
            firstname=spec.firstname,
            lastname=spec.lastname,
            email=spec.email,
            idnumber=spec.idnumber,
            auth=spec.auth,
            lang=spec.lang or self.lang,
            city=spec.city,
            country=spec.country,
            suspended=spec.suspended,
            deleted=spec.deleted,
            confirmed=spec.confirmed,
            siteadmin=spec.siteadmin,
            capabilities=frozenset(spec.capabilities),
            profile=dict(spec.profile),
            timecreated=born,
            timemodified=born,
            timezone=spec.timezone,
            description=spec.description,
            firstaccess=spec.firstaccess,
            lastaccess=spec.lastaccess,
            phone1=spec.phone1,
            phone2=spec.phone2,
            institution=spec.institution,
            department=spec.department,
            address=spec.address,
            interests=spec.interests,
            middlename=spec.middlename,
            alternatename=spec.alternatename,
            preferences=dict(spec.preferences),
        )

    def course(self, courseid: int, born: int) -> Course | None:
        spec = self.courses.get(courseid)
        if spec is None:
            return None
        if isinstance(spec, Course):
            return replace(spec, customfields=dict(spec.customfields))
        return Course(
            id=courseid,
            shortname=spec.shortname,
            fullname=spec.fullname,
            category=spec.category,
            visible=spec.visible,
            summary=spec.summary,
            idnumber=spec.idnumber,
            startdate=spec.startdate,
            enddate=spec.enddate,
            manualenrol=spec.manualenrol,
            selfenrol=spec.selfenrol,
            customfields=dict(spec.customfields),
            format=spec.format,
            lang=spec.lang,
            enablecompletion=spec.enablecompletion,
            timecreated=born,
            timemodified=born,
            activities=tuple(Activity(a.cmid, a.name, a.modname, a.tracked) for a in spec.activities),
            completion=_completion(spec),
        )

    def enrolment(self, userid: int, courseid: int, born: int) -> Enrolment | None:
        mine = self.by_user.get(userid)
        spec = mine.get(courseid) if mine is not None else None
        if spec is None:
            return None
        return Enrolment(
            userid,
            courseid,
            spec.role,
            method=spec.method,
            status=0 if spec.status == "active" else 1,
            timestart=spec.timestart,
            timeend=spec.timeend,
            lastaccess=spec.lastaccess,
            completed_activities=frozenset(spec.completed),
            selfcompleted=spec.selfcompleted,
            timecompleted=spec.timecompleted,
            timecreated=born,
        )


EMPTY = World()

_CRITERION_TYPES = {"self": 1, "date": 2, "activity": 4}


def _completion(spec: CourseSpec) -> CompletionRules | None:
    if spec.completion is None or not spec.completion.criteria:
        return None
    criteria = tuple(Criterion(_CRITERION_TYPES[c.type], c.cmid, c.date) for c in spec.completion.criteria)
    return CompletionRules(criteria, 1 if spec.completion.aggregation == "all" else 2)


class WorldCache:
    """One ``World`` per live scenario object (dropped with it), built by the first caller."""

    def __init__(self) -> None:
        self._worlds: dict[int, tuple[weakref.ref[Any], World]] = {}
        self._lock = threading.Lock()

    def get(self, owner: Any) -> World | None:
        entry = self._worlds.get(id(owner))
        return entry[1] if entry is not None and entry[0]() is owner else None

    def put(self, owner: Any, world: World) -> None:
        key = id(owner)
        with self._lock:
            self._worlds[key] = (weakref.ref(owner, lambda _ref: self._worlds.pop(key, None)), world)
