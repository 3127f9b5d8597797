"""State behind one interface.

``Store`` lists the operations the domain needs; ``MemoryStore`` is the default backend. A shared
backend (e.g. Redis) implements the same protocol so several workers can serve one world; every
operation that must be atomic across workers is a single method (``consume_user_key``).
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable
from typing import Any, Protocol, TypeVar

from mockserver.sence.store import SenceMemoryStore, SenceStore
from mockserver.world.bounded import BoundedMap
from mockserver.world.entities import Category, Course, Enrolment, Service, Session, Token, User, UserKey
from mockserver.world.expiry import resume_session, session_deadline, user_key_deadline
from mockserver.world.limits import Limits

T = TypeVar("T")


class Store(Protocol):
    sence: SenceStore

    # users
    def user(self, userid: int) -> User | None: ...
    def users(self) -> list[User]: ...
    def find_users(self, field: str, value: str) -> list[User]: ...
    def add_user(self, user: User) -> User: ...
    def save_user(self, user: User) -> None: ...
    def next_user_id(self) -> int: ...

    # courses and enrolments
    def course(self, courseid: int) -> Course | None: ...
    def courses(self) -> list[Course]: ...
    def enrolments_of_user(self, userid: int) -> list[Enrolment]: ...
    def enrolments_of_course(self, courseid: int) -> list[Enrolment]: ...
    def enrolment(self, userid: int, courseid: int) -> Enrolment | None: ...
    def save_enrolment(self, enrolment: Enrolment) -> None: ...
    def delete_enrolment(self, userid: int, courseid: int) -> None: ...
    def category(self, categoryid: int) -> Category | None: ...
    def categories(self) -> list[Category]: ...

    # services and tokens
    def service(self, serviceid: int) -> Service | None: ...
    def services(self) -> list[Service]: ...
    def token(self, value: str) -> Token | None: ...
    def tokens(self) -> list[Token]: ...
    def add_token(self, token: Token) -> None: ...
    def delete_token(self, value: str) -> None: ...

    # auth_userkey keys (expired ones still answer until the retention passes)
    def user_key(self, value: str) -> UserKey | None: ...
    def user_keys(self) -> list[UserKey]: ...
    def replace_user_keys(self, key: UserKey) -> None: ...
    def add_user_key(self, key: UserKey) -> None: ...
    def delete_user_keys(self, userid: int) -> None: ...
    def consume_user_key(self, value: str) -> bool: ...

    # browser sessions (they expire as Moodle's session gc decides: mockserver.world.expiry)
    def session(self, sid: str) -> Session | None:
        """The live session; reading it is a request using it (``timemodified`` moves)."""
        ...

    def save_session(self, session: Session) -> None: ...
    def delete_session(self, sid: str) -> None: ...
    def sessions_of_user(self, userid: int) -> list[Session]: ...

    # plugins' own tables
    def plugin_state(self, name: str, factory: Callable[[], T]) -> T:
        """Plugin ``name``'s tables (an object of the plugin's own class), made by ``factory`` on
        first use; a reset builds a new store, so they start empty again."""
        ...


INDEXED_USER_FIELDS = ("username", "email", "idnumber")


DEFAULT_SESSIONTIMEOUT = 8 * 3600
"""Moodle's ``$CFG->sessiontimeout`` default (8 hours)."""


class MemoryStore:
    """In-process store; one per tenant. Reset means building a new one.

    Tables that grow with traffic are ``BoundedMap``s: deadlines on the tenant clock (``now``) and
    caps from ``limits``."""

    def __init__(
        self,
        users: Iterable[User] = (),
        courses: Iterable[Course] = (),
        enrolments: Iterable[Enrolment] = (),
        services: Iterable[Service] = (),
        tokens: Iterable[Token] = (),
        sence: SenceStore | None = None,
        categories: Iterable[Category] = (),
        *,
        now: Callable[[], float] = time.time,
        limits: Limits | None = None,
        sessiontimeout: int = DEFAULT_SESSIONTIMEOUT,
    ) -> None:
        self._now = now
        self.limits = limits if limits is not None else Limits()
        self.sessiontimeout = sessiontimeout
        self._users: dict[int, User] = {}
        # Lookups by the fields auth_userkey and login use, so large worlds stay O(1).
        self._by_field: dict[str, dict[str, set[int]]] = {f: {} for f in INDEXED_USER_FIELDS}
        for user in users:
            self.save_user(user)
        self._courses = {c.id: c for c in courses}
        self._enrolments: dict[tuple[int, int], Enrolment] = {}
        # Both directions indexed: /my/ and the WS functions never scan every enrolment.
        self._by_user: dict[int, dict[int, Enrolment]] = {}
        self._by_course: dict[int, dict[int, Enrolment]] = {}
        for enrolment in enrolments:
            self.save_enrolment(enrolment)
        self._categories = {c.id: c for c in categories}
        self._services = {s.id: s for s in services}
        self._tokens = {t.token: t for t in tokens}
        self._keys: BoundedMap[str, UserKey] = BoundedMap(self.limits.userkeys, now, self._forget_key)
        self._keys_by_user: dict[int, set[str]] = {}
        self._sessions: BoundedMap[str, Session] = BoundedMap(self.limits.sessions, now)
        self.sence: SenceStore = sence if sence is not None else SenceMemoryStore()
        self._plugin_state: dict[str, Any] = {}

    # users
    def user(self, userid: int) -> User | None:
        return self._users.get(userid)

    def users(self) -> list[User]:
        return sorted(self._users.values(), key=lambda u: u.id)

    def find_users(self, field: str, value: str) -> list[User]:
        """Users whose ``field`` equals ``value`` exactly, lowest id first."""
        index = self._by_field.get(field)
        if index is not None:
            return [self._users[uid] for uid in sorted(index.get(value, ()))]
        return [u for u in self.users() if str(getattr(u, field, None)) == value]

    def next_user_id(self) -> int:
        return max(self._users, default=1) + 1

    def add_user(self, user: User) -> User:
        if user.id in self._users:
            raise ValueError(f"user id {user.id} exists")
        self.save_user(user)
        return user

    def save_user(self, user: User) -> None:
        previous = self._users.get(user.id)
        for field, index in self._by_field.items():
            if previous is not None:
                index.get(str(getattr(previous, field)), set()).discard(user.id)
            index.setdefault(str(getattr(user, field)), set()).add(user.id)
        self._users[user.id] = user

    # courses
    def course(self, courseid: int) -> Course | None:
        return self._courses.get(courseid)

    def courses(self) -> list[Course]:
        return sorted(self._courses.values(), key=lambda c: c.id)

    def enrolments_of_user(self, userid: int) -> list[Enrolment]:
        """The user's enrolments by course id."""
        return [e for _, e in sorted(self._by_user.get(userid, {}).items())]

    def enrolments_of_course(self, courseid: int) -> list[Enrolment]:
        """The course's enrolments by user id."""
        return [e for _, e in sorted(self._by_course.get(courseid, {}).items())]

    def enrolment(self, userid: int, courseid: int) -> Enrolment | None:
        return self._enrolments.get((userid, courseid))

    def save_enrolment(self, enrolment: Enrolment) -> None:
        self._enrolments[(enrolment.userid, enrolment.courseid)] = enrolment
        self._by_user.setdefault(enrolment.userid, {})[enrolment.courseid] = enrolment
        self._by_course.setdefault(enrolment.courseid, {})[enrolment.userid] = enrolment

    def delete_enrolment(self, userid: int, courseid: int) -> None:
        self._enrolments.pop((userid, courseid), None)
        self._by_user.get(userid, {}).pop(courseid, None)
        self._by_course.get(courseid, {}).pop(userid, None)

    def category(self, categoryid: int) -> Category | None:
        return self._categories.get(categoryid)

    def categories(self) -> list[Category]:
        return sorted(self._categories.values(), key=lambda c: (c.sortorder, c.id))

    # services and tokens
    def service(self, serviceid: int) -> Service | None:
        return self._services.get(serviceid)

    def services(self) -> list[Service]:
        return sorted(self._services.values(), key=lambda s: s.id)

    def token(self, value: str) -> Token | None:
        return self._tokens.get(value)

    def tokens(self) -> list[Token]:
        return list(self._tokens.values())

    def add_token(self, token: Token) -> None:
        self._tokens[token.token] = token

    def delete_token(self, value: str) -> None:
        self._tokens.pop(value, None)

    # keys
    def user_key(self, value: str) -> UserKey | None:
        return self._keys.get(value)

    def user_keys(self) -> list[UserKey]:
        return sorted(self._keys.values(), key=lambda k: (k.userid, k.timecreated))

    def replace_user_keys(self, key: UserKey) -> None:
        self.delete_user_keys(key.userid)
        self.add_user_key(key)

    def add_user_key(self, key: UserKey) -> None:
        """Keep the user's other keys (a scenario may start with several rows for one user)."""
        self._keys_by_user.setdefault(key.userid, set()).add(key.value)
        self._keys.put(key.value, key, user_key_deadline(key, self.limits.expired_key_retention))

    def _forget_key(self, value: str, key: UserKey) -> None:
        """A key let go by the table (retention over, or the table full) leaves the user's index too."""
        values = self._keys_by_user.get(key.userid)
        if values is not None:
            values.discard(value)
            if not values:
                del self._keys_by_user[key.userid]

    def delete_user_keys(self, userid: int) -> None:
        for value in self._keys_by_user.pop(userid, set()):
            self._keys.pop(value)

    def consume_user_key(self, value: str) -> bool:
        """Delete every key of the key's user if ``value`` is still live; False if already gone."""
        key = self._keys.get(value)
        if key is None:
            return False
        self.delete_user_keys(key.userid)
        return True

    # sessions
    def session(self, sid: str) -> Session | None:
        found = self._sessions.get(sid)
        if found is not None and resume_session(found, int(self._now())):
            self._sessions.put(sid, found, session_deadline(found, self.sessiontimeout))
        return found

    def save_session(self, session: Session) -> None:
        if not session.timecreated:
            session.timecreated = session.timemodified = int(self._now())
        self._sessions.put(session.sid, session, session_deadline(session, self.sessiontimeout))

    def delete_session(self, sid: str) -> None:
        self._sessions.pop(sid)

    def sessions_of_user(self, userid: int) -> list[Session]:
        return [s for s in self._sessions.values() if s.userid == userid]

    # plugins' own tables
    def plugin_state(self, name: str, factory: Callable[[], T]) -> T:
        if name not in self._plugin_state:
            self._plugin_state[name] = factory()
        state: T = self._plugin_state[name]
        return state
