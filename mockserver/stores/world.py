"""The world's run-time changes (users, enrolments) shared between processes.

Every process loads the scenario's world itself; what requests change in it afterwards
(auth_userkey creating or updating a user, a login's times, provisioning web services) is
written to a change log in Redis and replayed by the other processes before their next request:

    P w:v      counter   version of the last change
    P w:ents   hash      entity ("u:<id>", "e:<userid>:<courseid>") -> its latest JSON ("null": deleted)
    P w:log    zset      entity -> version of its latest change
    P w:uid    counter   the last user id handed out (ids stay unique across processes)

Every change is also published on the site's channel with its state (mockserver/stores/notify.py),
so the other processes apply it without a round trip; the log is what a process reads when it
(re)subscribes or sees a gap in the versions.

Web service tokens travel the same way ("t:<token>"): every web service call reads one and
token.php writes one rarely, so each process keeps them and a lookup costs no round trip.
Only the latest state of each entity is kept, so the log is bounded by the size of the world
(and the tokens issued). Plugins' own tables (``plugin_state``) stay per process.
"""

from __future__ import annotations

import json
from dataclasses import MISSING, fields
from operator import attrgetter
from typing import Any

import redis

from mockserver.stores.codec import compact, dumps, loads, text
from mockserver.stores.connect import Client
from mockserver.stores.runtime import RedisRuntime
from mockserver.stores.wire import script_for
from mockserver.world.entities import Enrolment, Session, Token, User
from mockserver.world.store import MemoryStore

# ARGV: entity, JSON, channel. The message: "w\n<log key>\n<version>\n<JSON>\n<entity>" (JSON has no
# raw newline; the entity, last, may hold anything).
_PUBLISH = """
local v = redis.call('INCR', KEYS[1])
redis.call('HSET', KEYS[2], ARGV[1], ARGV[2])
redis.call('ZADD', KEYS[3], v, ARGV[1])
redis.call('PUBLISH', ARGV[3], 'w\\n' .. KEYS[1] .. '\\n' .. v .. '\\n' .. ARGV[2] .. '\\n' .. ARGV[1])
return v
"""

_SETS = {
    User: {f.name for f in fields(User) if f.name == "capabilities"},
    Enrolment: {f.name for f in fields(Enrolment) if f.name == "completed_activities"},
}


_ABSENT = object()


def _layout(cls: type[User] | type[Enrolment]) -> tuple[list[tuple[str, Any, bool]], Any]:
    """Per field: its name, its default (``_ABSENT``: none) and whether it is a set; one getter."""
    found: list[tuple[str, Any, bool]] = []
    for f in fields(cls):
        default: Any = _ABSENT
        if f.default is not MISSING:
            default = f.default
        elif f.default_factory is not MISSING:
            default = f.default_factory()
        found.append((f.name, default, f.name in _SETS[cls]))
    return found, attrgetter(*(name for name, _, _ in found))


_LAYOUTS = {cls: _layout(cls) for cls in (User, Enrolment)}


def _encode(record: User | Enrolment) -> str:
    """Only the fields that differ from their defaults (``_decode`` gives those back): a user of the
    scenario sets a handful of its 40 fields, and each login sends one to every process."""
    layout, values = _LAYOUTS[type(record)]
    data: dict[str, Any] = {}
    for (name, default, is_set), value in zip(layout, values(record), strict=True):
        if value is default or (value == default and type(value) is type(default)):
            continue
        data[name] = sorted(value) if is_set else value
    return compact(data)


def _decode(cls: type[User] | type[Enrolment], raw: Any) -> Any:
    data: dict[str, Any] = json.loads(raw)
    for name in _SETS[cls]:
        data[name] = frozenset(data.get(name, ()))
    return cls(**data)


def parse_message(raw: bytes) -> tuple[str, int, str, bytes]:
    """A world message (``raw`` without its "w\\n") as (log key, version, entity, JSON)."""
    key, version, rest = raw.split(b"\n", 2)
    state, _, entity = rest.partition(b"\n")
    return key.decode(), int(version), entity.decode(), state


class WorldLog:
    def __init__(self, client: redis.Redis, prefix: str, channel: str = "") -> None:
        self._r = client
        self.channel = channel
        self.version_key = prefix + "w:v"
        self._ents = prefix + "w:ents"
        self._log = prefix + "w:log"
        self._uid = prefix + "w:uid"
        self._publish = script_for(client, _PUBLISH)  # from requests: on the fast line (wire.py)
        self.seen = 0
        """The version of the last change this process has applied."""

    def publish(self, entity: str, raw: str) -> None:
        keys, args = self.change(entity, raw)
        self.published(int(self._publish(keys=keys, args=args)))

    def change(self, entity: str, raw: str) -> tuple[list[str], list[str]]:
        """The keys and arguments of publishing this change (for a script that does more)."""
        return [self.version_key, self._ents, self._log], [entity, raw, self.channel]

    def published(self, version: int) -> None:
        """After a change of this process is published with ``version``."""
        if version == self.seen + 1:
            self.seen = version  # applied here already; its message comes back and is skipped
        if isinstance(self._r, Client):
            self._r.fence_pending = True

    def changes(self) -> list[tuple[str, bytes | None]]:
        """Entities changed since ``seen`` with their latest state; ``seen`` moves past them."""
        found: Any = self._r.zrangebyscore(self._log, f"({self.seen}", "+inf", withscores=True)
        if not found:
            return []
        names = [text(name) for name, _ in found]
        self.seen = max(int(score) for _, score in found)
        states: Any = self._r.hmget(self._ents, names)
        return list(zip(names, states, strict=True))

    def start_ids(self, highest: int) -> None:
        self._r.set(self._uid, highest, nx=True)

    def next_user_id(self) -> int:
        return int(self._r.incr(self._uid))


class SharedWorldStore(MemoryStore):
    """``MemoryStore`` whose user and enrolment changes go to (and come from) a ``WorldLog``."""

    log: WorldLog | None = None
    generation: int = 0

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        tokens: Any = kwargs.pop("tokens", None)
        if tokens is None and len(args) > 4:
            args, tokens = (*args[:4], (), *args[5:]), args[4]
        super().__init__(*args, **kwargs)
        self._tokens: dict[str, Token] = {t.token: t for t in tokens or ()}

    def attach(self, log: WorldLog, *, first: bool) -> None:
        """Start sharing changes; ``first``: this process seeded the generation (sets the id counter)."""
        self.log = log
        if first:
            log.start_ids(MemoryStore.next_user_id(self) - 1)  # the highest id, without copying every user
        self.pull()

    def pull(self) -> None:
        """Apply the changes other processes made since the last pull."""
        if self.log is None:
            return
        for entity, raw in self.log.changes():
            if raw is not None:
                self._apply(entity, raw)

    def receive(self, version: int, entity: str, raw: bytes) -> None:
        """A change another process published: applied in version order; a gap reads the log."""
        if self.log is None or version <= self.log.seen:
            return
        if version == self.log.seen + 1:
            self.log.seen = version
            self._apply(entity, raw)
        else:
            self.pull()

    def _apply(self, entity: str, raw: bytes) -> None:
        kind, _, ident = entity.partition(":")
        if kind == "t":
            if raw == b"null":
                self._tokens.pop(ident, None)
            else:
                self._tokens[ident] = loads(Token, raw)
        elif kind == "u":
            MemoryStore.save_user(self, _decode(User, raw))
        elif kind == "e":
            userid, _, courseid = ident.partition(":")
            if raw == b"null":
                MemoryStore.delete_enrolment(self, int(userid), int(courseid))
            else:
                MemoryStore.save_enrolment(self, _decode(Enrolment, raw))

    def next_user_id(self) -> int:
        if self.log is None:
            return super().next_user_id()
        while True:  # a scenario id may sit above the counter's start: skip ids taken locally
            candidate = self.log.next_user_id()
            if self.user(candidate) is None:
                return candidate

    def save_user(self, user: User) -> None:
        super().save_user(user)
        if self.log is not None:
            self.log.publish(f"u:{user.id}", _encode(user))

    def login_with_key(self, value: str, user: User, session: Session) -> bool:
        runtime = self.runtime
        if self.log is None or not isinstance(runtime, RedisRuntime):
            return super().login_with_key(value, user, session)
        keys, args = self.log.change(f"u:{user.id}", _encode(user))
        version = runtime.login_with_key(value, session, keys, args)  # take, publish, save: one script
        if not version:
            return False
        MemoryStore.save_user(self, user)
        self.log.published(version)
        return True

    def save_enrolment(self, enrolment: Enrolment) -> None:
        super().save_enrolment(enrolment)
        if self.log is not None:
            self.log.publish(f"e:{enrolment.userid}:{enrolment.courseid}", _encode(enrolment))

    def token(self, value: str) -> Token | None:
        return self._tokens.get(value)

    def tokens(self) -> list[Token]:
        return list(self._tokens.values())

    def add_token(self, token: Token) -> None:
        self._tokens[token.token] = token
        if self.log is not None:
            self.log.publish(f"t:{token.token}", dumps(token))

    def delete_token(self, value: str) -> None:
        self._tokens.pop(value, None)
        if self.log is not None:
            self.log.publish(f"t:{value}", "null")

    def delete_enrolment(self, userid: int, courseid: int) -> None:
        super().delete_enrolment(userid, courseid)
        if self.log is not None:
            self.log.publish(f"e:{userid}:{courseid}", "null")
