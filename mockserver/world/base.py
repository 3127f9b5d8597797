"""The world a scenario describes, built once and shared (copy-on-write).

Building 100,000 users and 200,000 enrolments takes seconds, so it happens once per loaded
scenario: every tenant of that scenario and every reset generation shares one ``World`` and keeps
only what requests changed in its own ``MemoryStore`` overlay (mockserver/world/store.py). Reset
and a new tenant therefore cost the same for a large world as for the demo.

Nothing here is ever handed to request code: the store gives out copies (``copy_user``...), so a
change made in one tenant can never reach the base or another tenant. The times a scenario does
not set (``timecreated``/``timemodified``: the generation's start) are 0 here and stamped on the
copies.
"""

from __future__ import annotations

import threading
import weakref
from collections.abc import Iterable
from dataclasses import replace
from typing import Any

from mockserver.world.entities import Course, Enrolment, User

INDEXED_USER_FIELDS = ("username", "email", "idnumber")

_NO_IDS: tuple[int, ...] = ()


class World:
    """Users, courses and enrolments by id, with the indexes lookups need; never changed once built."""

    def __init__(
        self, users: Iterable[User] = (), courses: Iterable[Course] = (), enrolments: Iterable[Enrolment] = ()
    ) -> None:
        self.users: dict[int, User] = {u.id: u for u in users}
        self.user_ids: list[int] = sorted(self.users)
        # field -> value -> user ids (a tuple only where a value repeats: most values are unique)
        self.by_field: dict[str, dict[str, int | tuple[int, ...]]] = {f: {} for f in INDEXED_USER_FIELDS}
        for field, index in self.by_field.items():
            repeated: dict[str, list[int]] = {}
            for uid in self.user_ids:
                value = str(getattr(self.users[uid], field))
                first = index.get(value)
                if first is None:
                    index[value] = uid
                else:
                    repeated.setdefault(value, [first] if isinstance(first, int) else []).append(uid)
            for value, ids in repeated.items():
                index[value] = tuple(ids)
        self.courses: dict[int, Course] = {c.id: c for c in courses}
        self.course_ids: list[int] = sorted(self.courses)
        self.by_user: dict[int, dict[int, Enrolment]] = {}
        by_course: dict[int, list[int]] = {}
        for e in enrolments:
            self.by_user.setdefault(e.userid, {})[e.courseid] = e
            by_course.setdefault(e.courseid, []).append(e.userid)
        self.by_course: dict[int, tuple[int, ...]] = {c: tuple(sorted(set(ids))) for c, ids in by_course.items()}
        self.highest_user_id = self.user_ids[-1] if self.user_ids else 0

    def ids_with(self, field: str, value: str) -> tuple[int, ...]:
        """Ids of the users whose ``field`` (an indexed one) is ``value``, lowest first."""
        found = self.by_field[field].get(value)
        if found is None:
            return _NO_IDS
        return (found,) if isinstance(found, int) else found

    def enrolment(self, userid: int, courseid: int) -> Enrolment | None:
        mine = self.by_user.get(userid)
        return mine.get(courseid) if mine is not None else None


EMPTY = World()


def copy_user(user: User, born: int) -> User:
    return replace(
        user, timecreated=born, timemodified=born, profile=dict(user.profile), preferences=dict(user.preferences)
    )


def copy_course(course: Course, born: int) -> Course:
    return replace(course, timecreated=born, timemodified=born, customfields=dict(course.customfields))


def copy_enrolment(enrolment: Enrolment, born: int) -> Enrolment:
    return replace(enrolment, timecreated=born)


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
