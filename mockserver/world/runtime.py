"""What changes at run time, behind one contract: login keys, browser sessions and tokens issued.

The world a scenario describes (users, courses, services) is loaded in every process; the state
that requests create and use up lives in a ``RuntimeState``, so several worker processes (or
servers on several machines) can share it through one backend. Each operation that must be
atomic across processes is one method:

* ``consume_user_key``: take-once. Under any concurrency exactly one caller gets True for a key;
  the key and every other key of its user are gone afterwards.
* ``replace_user_keys``: one live key per user. After it returns, the user's only key is the new one.
* ``save_session`` / ``add_token``: last writer wins for one id (a session belongs to one browser).

``MemoryRuntime`` is the default (one process). ``mockserver.stores.redis`` has the shared backend;
both pass the contract suite in ``tests/store/test_contract.py``. Times inside the records
(``validuntil``) are on the tenant's clock and are checked by the domain (``Expired key``).

Bounded: keys and sessions grow with traffic, so each table is a ``BoundedMap``
(mockserver/world/bounded.py): an item's deadline on the tenant clock comes from
mockserver/world/expiry.py (Moodle's session gc, the key retention), and past the cap in
``Limits`` (mockserver/world/limits.py) the oldest goes. Reading a session is a request using it
(``resume_session`` may move its deadline). A shared backend mirrors the same rules. Without a
clock (``now=None``) nothing expires by time; the caps still apply. Tokens are one per user and
service (token.php reuses them), so they grow with the world, not with requests.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterable
from typing import Protocol

from mockserver.world.bounded import BoundedMap, no_clock
from mockserver.world.entities import Session, Token, UserKey
from mockserver.world.expiry import resume_session, session_deadline, user_key_deadline
from mockserver.world.limits import Limits

DEFAULT_SESSIONTIMEOUT = 8 * 3600
"""Moodle's ``$CFG->sessiontimeout`` default (8 hours)."""


class RuntimeState(Protocol):
    # auth_userkey login keys
    def user_key(self, value: str) -> UserKey | None: ...
    def user_keys(self) -> list[UserKey]:
        """Every live key, by user id then creation time."""
        ...

    def replace_user_keys(self, key: UserKey) -> bool:
        """Make ``key`` the user's only key (atomic: never two live keys after concurrent calls);
        False, and nothing changed, when ``key.value`` is already a key (the caller draws again)."""
        ...

    def add_user_key(self, key: UserKey) -> None:
        """Add a key and keep the user's others (a scenario may start with several rows for one user)."""
        ...

    def delete_user_keys(self, userid: int) -> None: ...
    def consume_user_key(self, value: str) -> bool:
        """Take-once: True for exactly one caller while ``value`` is live; removes all the user's keys."""
        ...

    # browser sessions
    def session(self, sid: str) -> Session | None:
        """The live session; reading it is a request using it (its inactivity deadline may move)."""
        ...

    def save_session(self, session: Session) -> None: ...
    def delete_session(self, sid: str) -> None: ...
    def sessions_of_user(self, userid: int) -> list[Session]: ...

    # web service tokens
    def token(self, value: str) -> Token | None: ...
    def tokens(self) -> list[Token]: ...
    def add_token(self, token: Token) -> None: ...
    def delete_token(self, value: str) -> None: ...


class MemoryRuntime:
    """One process's runtime state; the objects handed out are the stored ones (no copies), as before."""

    def __init__(
        self,
        tokens: Iterable[Token] = (),
        *,
        now: Callable[[], float] | None = None,
        limits: Limits | None = None,
        sessiontimeout: int = DEFAULT_SESSIONTIMEOUT,
    ) -> None:
        self._now = now
        self.limits = limits if limits is not None else Limits()
        self.sessiontimeout = sessiontimeout
        clock = now if now is not None else no_clock
        self._tokens = {t.token: t for t in tokens}
        self._keys: BoundedMap[str, UserKey] = BoundedMap(self.limits.userkeys, clock, self._forget_key)
        self._keys_by_user: dict[int, set[str]] = {}
        self._sessions: BoundedMap[str, Session] = BoundedMap(self.limits.sessions, clock)
        # Requests run on one event loop, but a test or a sync route may call from threads: the
        # operations that must be atomic take this lock (uncontended, it costs ~0.1 µs).
        self._lock = threading.Lock()

    # keys
    def user_key(self, value: str) -> UserKey | None:
        with self._lock:  # a read may drop an item past its deadline
            return self._keys.get(value)

    def user_keys(self) -> list[UserKey]:
        return sorted(self._keys.values(), key=lambda k: (k.userid, k.timecreated))

    def replace_user_keys(self, key: UserKey) -> bool:
        with self._lock:
            if self._keys.get(key.value) is not None:
                return False
            self._drop_keys(key.userid)
            self._put_key(key)
            return True

    def add_user_key(self, key: UserKey) -> None:
        with self._lock:
            self._put_key(key)

    def _put_key(self, key: UserKey) -> None:
        self._keys_by_user.setdefault(key.userid, set()).add(key.value)
        deadline = user_key_deadline(key, self.limits.expired_key_retention) if self._now else None
        self._keys.put(key.value, key, deadline)

    def _forget_key(self, value: str, key: UserKey) -> None:
        """A key the table let go (retention over, or the table full) leaves the user's index too."""
        values = self._keys_by_user.get(key.userid)
        if values is not None:
            values.discard(value)
            if not values:
                del self._keys_by_user[key.userid]

    def delete_user_keys(self, userid: int) -> None:
        with self._lock:
            self._drop_keys(userid)

    def consume_user_key(self, value: str) -> bool:
        with self._lock:
            key = self._keys.get(value)
            if key is None:
                return False
            self._drop_keys(key.userid)
            return True

    def _drop_keys(self, userid: int) -> None:
        for value in self._keys_by_user.pop(userid, set()):
            self._keys.pop(value)

    # sessions
    def session(self, sid: str) -> Session | None:
        with self._lock:
            found = self._sessions.get(sid)
            if found is not None and self._now is not None and resume_session(found, int(self._now())):
                self._sessions.put(sid, found, session_deadline(found, self.sessiontimeout))
            return found

    def save_session(self, session: Session) -> None:
        with self._lock:
            if self._now is None:
                self._sessions.put(session.sid, session, None)
                return
            if not session.timecreated:
                session.timecreated = session.timemodified = int(self._now())
            self._sessions.put(session.sid, session, session_deadline(session, self.sessiontimeout))

    def delete_session(self, sid: str) -> None:
        with self._lock:
            self._sessions.pop(sid)

    def sessions_of_user(self, userid: int) -> list[Session]:
        return [s for s in self._sessions.values() if s.userid == userid]

    # tokens
    def token(self, value: str) -> Token | None:
        return self._tokens.get(value)

    def tokens(self) -> list[Token]:
        return list(self._tokens.values())

    def add_token(self, token: Token) -> None:
        self._tokens[token.token] = token

    def delete_token(self, value: str) -> None:
        self._tokens.pop(value, None)
