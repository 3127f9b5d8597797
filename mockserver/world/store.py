"""State behind one interface.

``Store`` lists the operations the domain needs; ``MemoryStore`` holds the world a scenario
describes and hands what changes at run time (keys, sessions, tokens) to its ``RuntimeState``
(``mockserver.world.runtime``), in memory by default or shared (Redis) so several workers can
serve one world; every operation that must be atomic across workers is a single method there
(``consume_user_key``).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from itertools import islice
from typing import Any, Protocol, TypeVar

from mockserver.sence.store import SenceMemoryStore, SenceStore
from mockserver.world.base import EMPTY, INDEX_KEYS, World, index_values
from mockserver.world.entities import Category, Course, Enrolment, Service, Session, Token, User, UserKey
from mockserver.world.limits import Limits
from mockserver.world.runtime import DEFAULT_SESSIONTIMEOUT, MemoryRuntime, RuntimeState

T = TypeVar("T")


class Store(Protocol):
    sence: SenceStore
    runtime: RuntimeState
    """Keys, sessions and tokens (``mockserver.world.runtime``); the methods below delegate to it."""

    # users
    def user(self, userid: int) -> User | None: ...
    def users(self) -> list[User]: ...
    def user_ids(self) -> list[int]: ...
    def user_count(self) -> int: ...
    def find_users(self, field: str, value: str) -> list[User]: ...
    def add_user(self, user: User) -> User: ...
    def save_user(self, user: User) -> None: ...
    def next_user_id(self) -> int: ...

    # courses and enrolments
    def course(self, courseid: int) -> Course | None: ...
    def courses(self) -> list[Course]: ...
    def course_ids(self) -> list[int]: ...
    def enrolments_of_user(self, userid: int) -> list[Enrolment]: ...
    def enrolments_of_course(self, courseid: int, limit: int | None = None) -> list[Enrolment]: ...
    def enrolment_count(self, courseid: int) -> int: ...
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

    # auth_userkey keys
    def user_key(self, value: str) -> UserKey | None: ...
    def user_keys(self) -> list[UserKey]: ...
    def replace_user_keys(self, key: UserKey) -> bool: ...
    def add_user_key(self, key: UserKey) -> None: ...
    def delete_user_keys(self, userid: int) -> None: ...
    def consume_user_key(self, value: str) -> bool: ...
    def login_with_key(self, value: str, user: User, session: Session) -> bool:
        """``consume_user_key``, then only if it took the key ``save_user`` and ``save_session``:
        one step on a shared store (one round trip); False: nothing written."""
        ...

    # browser sessions
    def session(self, sid: str) -> Session | None: ...
    def save_session(self, session: Session) -> None: ...
    def delete_session(self, sid: str) -> None: ...
    def sessions_of_user(self, userid: int) -> list[Session]: ...

    # plugins' own tables
    def plugin_state(self, name: str, factory: Callable[[], T]) -> T:
        """Plugin ``name``'s tables (an object of the plugin's own class), made by ``factory`` on
        first use; a reset builds a new store, so they start empty again."""
        ...


class MemoryStore:
    """In-process store; one per tenant and generation. Reset means building a new one.

    Copy-on-write: the scenario's users, courses and enrolments live in a shared, never-changed
    ``World`` (mockserver/world/base.py); this store holds only its overlay: a copy of every entity
    it handed out (first read copies, later reads give the same object, so in-place changes stay in
    this tenant) and what requests added or removed. A fresh store costs O(1) whatever the world's size.
    """

    def __init__(
        self,
        users: Iterable[User] = (),
        courses: Iterable[Course] = (),
        enrolments: Iterable[Enrolment] = (),
        services: Iterable[Service] = (),
        tokens: Iterable[Token] = (),
        sence: SenceStore | None = None,
        categories: Iterable[Category] = (),
        runtime: RuntimeState | None = None,
        *,
        now: Callable[[], float] | None = None,
        limits: Limits | None = None,
        sessiontimeout: int = DEFAULT_SESSIONTIMEOUT,
        world: World = EMPTY,
        born: int = 0,
    ) -> None:
        """``now`` (the tenant clock), ``limits`` and ``sessiontimeout`` bound the default in-memory
        runtime state (mockserver.world.runtime); a runtime passed in brings its own. ``world`` is the
        shared base (``born``: the generation's start, stamped on the copies); the entities passed
        here go straight into this store's own part (the objects themselves)."""
        self._world = world
        self._born = born
        self._users: dict[int, User] = {}
        # Lookups by the fields auth_userkey and login use, so large worlds stay O(1): the values
        # each own user was indexed under (in-place changes before save_user cannot fool it);
        # None: a user of the world read here but not saved since, found through the world's index.
        self._by_field: dict[str, dict[str, set[int]]] = {f: {} for f in INDEX_KEYS}
        self._indexed: dict[int, tuple[str, ...] | None] = {}
        self._highest_user = world.highest_user_id
        self._new_users: list[int] = []
        for user in users:
            self.save_user(user)
        self._courses: dict[int, Course] = {}
        self._new_courses = False
        for course in courses:
            self._courses[course.id] = course
            self._new_courses = self._new_courses or course.id not in world.courses
        self._enrolments: dict[tuple[int, int], Enrolment] = {}
        self._gone: set[tuple[int, int]] = set()
        """Enrolments of the world deleted here."""
        # Both directions indexed: /my/ and the WS functions never scan every enrolment.
        self._by_user: dict[int, dict[int, Enrolment]] = {}
        self._by_course: dict[int, dict[int, Enrolment]] = {}
        for enrolment in enrolments:
            self.save_enrolment(enrolment)
        self._categories = {c.id: c for c in categories}
        self._services = {s.id: s for s in services}
        if runtime is None:
            runtime = MemoryRuntime(tokens, now=now, limits=limits, sessiontimeout=sessiontimeout)
        else:
            for token in tokens:
                runtime.add_token(token)
        self.runtime: RuntimeState = runtime
        self.sence: SenceStore = sence if sence is not None else SenceMemoryStore()
        self._plugin_state: dict[str, Any] = {}

    # users
    def user(self, userid: int) -> User | None:
        found = self._users.get(userid)
        if found is None:
            found = self._world.user(userid, self._born)
            if found is None:
                return None
            self._users[userid] = found
            self._indexed[userid] = None  # indexed as in the world until saved (a first read costs less)
        return found

    def user_ids(self) -> list[int]:
        """Every user id, lowest first (a page of users costs a page, not the world)."""
        if not self._new_users:
            return self._world.user_ids
        return sorted({*self._world.user_ids, *self._new_users})

    def user_count(self) -> int:
        """``len(users())`` without reading any user (the scenario's, the guest's and those created since)."""
        return len(self._world.users) + len(self._new_users)

    def users(self) -> list[User]:
        return [u for u in map(self.user, self.user_ids()) if u is not None]

    def find_users(self, field: str, value: str) -> list[User]:
        """Users whose ``field`` (or ``FOLDED_EMAIL``: the email case-folded) equals ``value`` exactly,
        lowest id first."""
        index = self._by_field.get(field)
        if index is None:
            return [u for u in self.users() if str(getattr(u, field, None)) == value]
        indexed = self._indexed
        ids = {uid for uid in self._world.ids_with(field, value) if indexed.get(uid) is None}
        ids.update(index.get(value, ()))
        return [u for u in map(self.user, sorted(ids)) if u is not None]

    def next_user_id(self) -> int:
        return max(self._highest_user, 1) + 1

    def add_user(self, user: User) -> User:
        if self.user(user.id) is not None:
            raise ValueError(f"user id {user.id} exists")
        self.save_user(user)
        return user

    def save_user(self, user: User) -> None:
        if user.id not in self._users and user.id not in self._world.users:
            self._new_users.append(user.id)
        self._users[user.id] = user
        self._index(user)
        self._highest_user = max(self._highest_user, user.id)

    def _index(self, user: User) -> None:
        previous = self._indexed.get(user.id)
        values = index_values(user)
        if values == previous:
            return
        for i, index in enumerate(self._by_field.values()):
            if previous is not None:
                index.get(previous[i], set()).discard(user.id)
            index.setdefault(values[i], set()).add(user.id)
        self._indexed[user.id] = values

    # courses
    def course(self, courseid: int) -> Course | None:
        found = self._courses.get(courseid)
        if found is None:
            found = self._world.course(courseid, self._born)
            if found is None:
                return None
            self._courses[courseid] = found
        return found

    def course_ids(self) -> list[int]:
        """Every course id, lowest first (the site course included)."""
        return sorted({*self._world.course_ids, *self._courses}) if self._new_courses else self._world.course_ids

    def courses(self) -> list[Course]:
        return [c for c in map(self.course, self.course_ids()) if c is not None]

    def enrolments_of_user(self, userid: int) -> list[Enrolment]:
        """The user's enrolments by course id."""
        courseids = {*self._world.courses_of(userid), *self._by_user.get(userid, ())}
        found = (self.enrolment(userid, courseid) for courseid in sorted(courseids))
        return [e for e in found if e is not None]

    def enrolments_of_course(self, courseid: int, limit: int | None = None) -> list[Enrolment]:
        """The course's enrolments by user id (the first ``limit`` of them)."""
        found = (self.enrolment(userid, courseid) for userid in self._enrolled(courseid))
        enrolments = (e for e in found if e is not None)
        return list(enrolments if limit is None else islice(enrolments, limit))

    def enrolment_count(self, courseid: int) -> int:
        """How many enrolments the course has (none of them read)."""
        return len(self._enrolled(courseid))

    def _enrolled(self, courseid: int) -> list[int]:
        userids = {*self._world.users_of(courseid), *self._by_course.get(courseid, ())}
        if self._gone:
            userids.difference_update(u for u in list(userids) if (u, courseid) in self._gone)
        return sorted(userids)

    def enrolment(self, userid: int, courseid: int) -> Enrolment | None:
        key = (userid, courseid)
        found = self._enrolments.get(key)
        if found is None and key not in self._gone:
            found = self._world.enrolment(userid, courseid, self._born)
            if found is not None:
                self._keep_enrolment(found)
        return found

    def save_enrolment(self, enrolment: Enrolment) -> None:
        self._gone.discard((enrolment.userid, enrolment.courseid))
        self._keep_enrolment(enrolment)

    def _keep_enrolment(self, enrolment: Enrolment) -> None:
        self._enrolments[(enrolment.userid, enrolment.courseid)] = enrolment
        self._by_user.setdefault(enrolment.userid, {})[enrolment.courseid] = enrolment
        self._by_course.setdefault(enrolment.courseid, {})[enrolment.userid] = enrolment

    def delete_enrolment(self, userid: int, courseid: int) -> None:
        self._enrolments.pop((userid, courseid), None)
        self._by_user.get(userid, {}).pop(courseid, None)
        self._by_course.get(courseid, {}).pop(userid, None)
        if self._world.has_enrolment(userid, courseid):
            self._gone.add((userid, courseid))

    def category(self, categoryid: int) -> Category | None:
        return self._categories.get(categoryid)

    def categories(self) -> list[Category]:
        return sorted(self._categories.values(), key=lambda c: (c.sortorder, c.id))

    # services
    def service(self, serviceid: int) -> Service | None:
        return self._services.get(serviceid)

    def services(self) -> list[Service]:
        return sorted(self._services.values(), key=lambda s: s.id)

    # what changes at run time: delegated to the runtime state (shared between processes or not)
    def token(self, value: str) -> Token | None:
        return self.runtime.token(value)

    def tokens(self) -> list[Token]:
        return self.runtime.tokens()

    def add_token(self, token: Token) -> None:
        self.runtime.add_token(token)

    def delete_token(self, value: str) -> None:
        self.runtime.delete_token(value)

    def user_key(self, value: str) -> UserKey | None:
        return self.runtime.user_key(value)

    def user_keys(self) -> list[UserKey]:
        return self.runtime.user_keys()

    def replace_user_keys(self, key: UserKey) -> bool:
        return self.runtime.replace_user_keys(key)

    def add_user_key(self, key: UserKey) -> None:
        self.runtime.add_user_key(key)

    def delete_user_keys(self, userid: int) -> None:
        self.runtime.delete_user_keys(userid)

    def consume_user_key(self, value: str) -> bool:
        return self.runtime.consume_user_key(value)

    def login_with_key(self, value: str, user: User, session: Session) -> bool:
        if not self.consume_user_key(value):
            return False
        self.save_user(user)
        self.save_session(session)
        return True

    def session(self, sid: str) -> Session | None:
        return self.runtime.session(sid)

    def save_session(self, session: Session) -> None:
        self.runtime.save_session(session)

    def delete_session(self, sid: str) -> None:
        self.runtime.delete_session(sid)

    def sessions_of_user(self, userid: int) -> list[Session]:
        return self.runtime.sessions_of_user(userid)

    # plugins' own tables
    def plugin_state(self, name: str, factory: Callable[[], T]) -> T:
        if name not in self._plugin_state:
            self._plugin_state[name] = factory()
        state: T = self._plugin_state[name]
        return state
