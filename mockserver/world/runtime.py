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
(``validuntil``) are on the tenant's clock and are checked by the domain, never by the backend.
"""

from __future__ import annotations

import threading
from collections.abc import Iterable
from typing import Protocol

from mockserver.world.entities import Session, Token, UserKey


class RuntimeState(Protocol):
    # auth_userkey login keys
    def user_key(self, value: str) -> UserKey | None: ...
    def user_keys(self) -> list[UserKey]:
        """Every live key, by user id then creation time."""
        ...

    def replace_user_keys(self, key: UserKey) -> None:
        """Make ``key`` the user's only key (atomic: never two live keys after concurrent calls)."""
        ...

    def add_user_key(self, key: UserKey) -> None:
        """Add a key and keep the user's others (a scenario may start with several rows for one user)."""
        ...

    def delete_user_keys(self, userid: int) -> None: ...
    def consume_user_key(self, value: str) -> bool:
        """Take-once: True for exactly one caller while ``value`` is live; removes all the user's keys."""
        ...

    # browser sessions
    def session(self, sid: str) -> Session | None: ...
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

    def __init__(self, tokens: Iterable[Token] = ()) -> None:
        self._tokens = {t.token: t for t in tokens}
        self._keys: dict[str, UserKey] = {}
        self._keys_by_user: dict[int, set[str]] = {}
        self._sessions: dict[str, Session] = {}
        # Requests run on one event loop, but a test or a sync route may call from threads: the
        # operations that must be atomic take this lock (uncontended, it costs ~0.1 µs).
        self._lock = threading.Lock()

    # keys
    def user_key(self, value: str) -> UserKey | None:
        return self._keys.get(value)

    def user_keys(self) -> list[UserKey]:
        return sorted(self._keys.values(), key=lambda k: (k.userid, k.timecreated))

    def replace_user_keys(self, key: UserKey) -> None:
        with self._lock:
            self._drop_keys(key.userid)
            self._keys[key.value] = key
            self._keys_by_user.setdefault(key.userid, set()).add(key.value)

    def add_user_key(self, key: UserKey) -> None:
        with self._lock:
            self._keys[key.value] = key
            self._keys_by_user.setdefault(key.userid, set()).add(key.value)

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
            self._keys.pop(value, None)

    # sessions
    def session(self, sid: str) -> Session | None:
        return self._sessions.get(sid)

    def save_session(self, session: Session) -> None:
        self._sessions[session.sid] = session

    def delete_session(self, sid: str) -> None:
        self._sessions.pop(sid, None)

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
