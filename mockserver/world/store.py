"""State behind one interface.

``Store`` lists the operations the domain needs; ``MemoryStore`` holds the world a scenario
describes and hands what changes at run time (keys, sessions, tokens) to its ``RuntimeState``
(``mockserver.world.runtime``), in memory by default or shared (Redis) so several workers can
serve one world; every operation that must be atomic across workers is a single method there
(``consume_user_key``).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any, Protocol, TypeVar

from mockserver.sence.store import SenceMemoryStore, SenceStore
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

    # auth_userkey keys
    def user_key(self, value: str) -> UserKey | None: ...
    def user_keys(self) -> list[UserKey]: ...
    def replace_user_keys(self, key: UserKey) -> bool: ...
    def add_user_key(self, key: UserKey) -> None: ...
    def delete_user_keys(self, userid: int) -> None: ...
    def consume_user_key(self, value: str) -> bool: ...

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


INDEXED_USER_FIELDS = ("username", "email", "idnumber")


class MemoryStore:
    """In-process store; one per tenant. Reset means building a new one."""

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
    ) -> None:
        """``now`` (the tenant clock), ``limits`` and ``sessiontimeout`` bound the default in-memory
        runtime state (mockserver.world.runtime); a runtime passed in brings its own."""
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
