"""Build a fresh store from a validated scenario (what *reset* means)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from mockserver.sence.store import SenceMemoryStore, SenceStore
from mockserver.world.base import World, WorldCache
from mockserver.world.entities import (
    AuthorisedUser,
    Category,
    Service,
    Token,
    UserKey,
)
from mockserver.world.runtime import RuntimeState
from mockserver.world.spec import Scenario
from mockserver.world.store import MemoryStore


def _timestamp(value: datetime | None) -> int | None:
    return int(value.timestamp()) if value else None


def build_store(
    scenario: Scenario,
    now: int,
    clock: Callable[[], float] | None = None,
    *,
    runtime: RuntimeState | None = None,
    sence: SenceStore | None = None,
    seed_runtime: bool = True,
    store_class: type[MemoryStore] = MemoryStore,
) -> MemoryStore:
    """The world at ``now``; its runtime state in memory, expiring on ``clock`` (the tenant's) within
    ``scenario.limits``, or in ``runtime``/``sence`` (a shared backend), seeded with the scenario's
    tokens and keys unless ``seed_runtime`` is False (another process already seeded that shared state)."""
    world = _WORLDS.get(scenario)
    if world is None:
        world = World(scenario)
        _WORLDS.put(scenario, world)
    by_username = _Usernames(world)

    services = []
    service_ids: dict[str, int] = {}
    for sid, sspec in enumerate(scenario.services, start=1):
        authorised = {}
        for entry in sspec.authorisedusers:
            if isinstance(entry, str):
                authorised[by_username[entry]] = AuthorisedUser(by_username[entry])
            else:
                uid = by_username[entry.user]
                authorised[uid] = AuthorisedUser(uid, _timestamp(entry.validuntil), entry.iprestriction)
        services.append(
            Service(
                id=sid,
                name=sspec.name,
                shortname=sspec.shortname,
                enabled=sspec.enabled,
                restrictedusers=sspec.restrictedusers,
                requiredcapability=sspec.requiredcapability,
                downloadfiles=sspec.downloadfiles,
                uploadfiles=sspec.uploadfiles,
                functions=tuple(sspec.functions),
                authorised=authorised,
            )
        )
        service_ids[sspec.name] = sid
        if sspec.shortname:
            service_ids.setdefault(sspec.shortname, sid)
    tokens = [
        Token(t.token, by_username[t.user], service_ids[t.service], _timestamp(t.validuntil), t.iprestriction, now)
        for t in scenario.tokens
    ]
    categories = [Category(1, "Category 1", sortorder=10000, timemodified=now)]
    categories = [c for c in categories if c.id not in {spec.id for spec in scenario.categories}]
    categories += [
        Category(c.id, c.name, c.parent, c.idnumber, c.description, c.visible, 10000 * (i + 2), c.theme, now)
        for i, c in enumerate(scenario.categories)
    ]
    store = store_class(
        (),
        (),
        (),
        services,
        tokens,  # SharedWorldStore keeps them itself (mockserver.stores.world)
        sence=sence
        if sence is not None
        else SenceMemoryStore(
            started=now,
            now=clock,
            limits=scenario.limits,
            pending_login_lifetime=scenario.sence.settings.pending_login_lifetime,
        ),
        categories=categories,
        runtime=runtime,
        now=clock,
        limits=scenario.limits,
        sessiontimeout=scenario.moodle.sessiontimeout,
        world=world,
        born=now,
    )
    if seed_runtime:
        for key in scenario.userkeys:
            store.add_user_key(UserKey(key.value, by_username[key.user], key.validuntil, key.iprestriction, now))
    return store


_WORLDS = WorldCache()


class _Usernames:
    """username -> user id through the world's index (a generation never builds a map of every user)."""

    def __init__(self, world: World) -> None:
        self._world = world

    def __getitem__(self, username: str) -> int:
        return self._world.ids_with("username", username)[0]
