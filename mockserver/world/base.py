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
from bisect import bisect_left
from collections import Counter
from dataclasses import replace
from itertools import compress
from operator import attrgetter
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

INDEXED_USER_FIELDS = ("username", "email", "idnumber", "auth")
FOLDED_EMAIL = "email:casefold"
"""Not a field: the index of emails case-folded (core's case-insensitive ``sql_equal`` on email)."""
INDEX_KEYS = (*INDEXED_USER_FIELDS, FOLDED_EMAIL)


def index_values(user: Any) -> tuple[str, ...]:
    """What a user is indexed under, in ``INDEX_KEYS`` order."""
    return (str(user.username), str(user.email), str(user.idnumber), str(user.auth), str(user.email).casefold())


_NO_IDS: tuple[int, ...] = ()


class World:
    """Users, courses and enrolments of a scenario by id, with the indexes lookups need; never changed."""

    def __init__(self, scenario: Scenario | None = None) -> None:
        self.users: dict[int, UserSpec | User] = {}
        self.courses: dict[int, CourseSpec | Course] = {}
        # Enrolments under one int key each (user id << 32 | course id, and the other way round),
        # kept sorted: a user's or a course's enrolments are one bisected slice, and building
        # them is a few C-level passes instead of 100,000 small dicts.
        self.enrolments: dict[int, EnrolmentSpec] = {}
        self.by_user: list[int] = []
        self.by_course: list[int] = []
        self.lang = "en"
        if scenario is not None:
            self._index(scenario)
        self.user_ids: list[int] = sorted(self.users)
        self.course_ids: list[int] = sorted(self.courses)
        self.highest_user_id = self.user_ids[-1] if self.user_ids else 0
        # field -> value -> user ids (a tuple only where a value repeats: most values are unique)
        self.by_field: dict[str, dict[str, int | tuple[int, ...]]] = {}
        ids = self.user_ids
        users = [self.users[uid] for uid in ids]
        columns: dict[str, list[str]] = {f: list(map(attrgetter(f), users)) for f in INDEXED_USER_FIELDS}
        columns[FOLDED_EMAIL] = list(map(str.casefold, columns["email"]))
        for field, values in columns.items():  # text fields, as the index's keys
            index: dict[str, int | tuple[int, ...]] = dict(zip(reversed(values), reversed(ids), strict=True))
            if len(index) < len(values):  # some value repeats: those get every id, lowest first
                repeated = [value for value, n in Counter(values).items() if n > 1]
                if len(repeated) <= _FEW:
                    for value in repeated:
                        index[value] = tuple(compress(ids, map(value.__eq__, values)))
                else:
                    found: dict[str, list[int]] = {value: [] for value in repeated}
                    for value, uid in zip(values, ids, strict=True):
                        if value in found:
                            found[value].append(uid)
                    index.update((value, tuple(uids)) for value, uids in found.items())
            self.by_field[field] = index

    def _index(self, scenario: Scenario) -> None:
        self.lang = scenario.moodle.lang
        guest = User(GUEST_USER_ID, "guest", firstname="Guest user", lastname=" ", auth="manual", lang=self.lang)
        user_ids = _assign_ids(list(map(attrgetter("id"), scenario.users)))
        self.users = {GUEST_USER_ID: guest, **dict(zip(user_ids, scenario.users, strict=True))}
        usernames = map(attrgetter("username"), scenario.users)
        by_username = {"guest": GUEST_USER_ID, **dict(zip(usernames, user_ids, strict=True))}
        course_ids = _assign_ids(list(map(attrgetter("id"), scenario.courses)))
        site = Course(SITE_COURSE_ID, "site", scenario.moodle.sitename, category=0)
        self.courses = {SITE_COURSE_ID: site, **dict(zip(course_ids, scenario.courses, strict=True))}
        shortnames = map(attrgetter("shortname"), scenario.courses)
        by_shortname = {"site": SITE_COURSE_ID, **dict(zip(shortnames, course_ids, strict=True))}
        enrolments = scenario.enrolments
        userids = list(map(by_username.__getitem__, map(attrgetter("user"), enrolments)))
        courseids = list(map(by_shortname.__getitem__, map(attrgetter("course"), enrolments)))
        keys = [u << 32 | c for u, c in zip(userids, courseids, strict=True)]
        self.enrolments = dict(zip(keys, enrolments, strict=True))
        self.by_user = sorted(keys)
        self.by_course = sorted(c << 32 | u for u, c in zip(userids, courseids, strict=True))

    def ids_with(self, field: str, value: str) -> tuple[int, ...]:
        """Ids of the users whose ``field`` (an indexed one) is ``value``, lowest first."""
        found = self.by_field[field].get(value)
        if found is None:
            return _NO_IDS
        return (found,) if isinstance(found, int) else found

    def has_enrolment(self, userid: int, courseid: int) -> bool:
        return (userid << 32 | courseid) in self.enrolments

    def courses_of(self, userid: int) -> list[int]:
        """The course ids of the user's enrolments, lowest first."""
        return _slice(self.by_user, userid)

    def users_of(self, courseid: int) -> list[int]:
        """The user ids enrolled in the course, lowest first."""
        return _slice(self.by_course, courseid)

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
        spec = self.enrolments.get(userid << 32 | courseid)
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

_FEW = 16
"""Values repeated by many users (an empty idnumber, auth ``manual``): gathered one C-level pass each."""


def _assign_ids(fixed: list[int | None]) -> list[int]:
    """Ids as Moodle's scenario gives them: the fixed ones, the others from above the highest fixed one (2 up)."""
    first = max([i for i in fixed if i is not None] + [1]) + 1
    if not any(i is not None for i in fixed):
        return list(range(first, first + len(fixed)))
    assigned = []
    for i in fixed:
        if i is None:
            assigned.append(first)
            first += 1
        else:
            assigned.append(i)
    return assigned


_LOW = (1 << 32) - 1


def _slice(keys: list[int], high: int) -> list[int]:
    """The low halves of the sorted ``keys`` whose high half is ``high``."""
    start = bisect_left(keys, high << 32)
    end = bisect_left(keys, (high + 1) << 32, start)
    return [key & _LOW for key in keys[start:end]]


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
