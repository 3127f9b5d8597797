"""A tenant: one isolated world (scenario, clock, store, random source) under its own base path."""

from __future__ import annotations

import random
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Protocol

from mockserver.world.clock import Clock
from mockserver.world.gcpause import gc_paused
from mockserver.world.loader import LoadedScenario
from mockserver.world.seed import build_store
from mockserver.world.spec import Scenario
from mockserver.world.store import Store

DEFAULT_TENANT = "default"
TENANT_NAME = re.compile(r"^[a-z0-9][a-z0-9_-]{0,62}$")
TENANT_PREFIX = "/t/"


class WorldBackend(Protocol):
    """Where a tenant's runtime state lives when it is shared (``mockserver.stores.site``)."""

    def fresh_store(self, tenant: str, scenario: Scenario, now: int, clock: Callable[[], float] | None = None) -> Store:
        """A new generation of the tenant's state: the world of ``scenario``, runtime state seeded,
        expiring on ``clock`` (the tenant's)."""
        ...


@dataclass
class Tenant:
    name: str
    loaded: LoadedScenario
    seed: int = 0
    backend: WorldBackend | None = None
    """None: everything in this process (the default); else the shared backend the state lives in."""
    clock: Clock = field(init=False)
    store: Store = field(init=False)
    rng: random.Random = field(init=False)

    def __post_init__(self) -> None:
        self.reset()

    @property
    def scenario(self) -> Scenario:
        return self.loaded.scenario

    @property
    def prefix(self) -> str:
        """Path prefix of this tenant's wwwroot ('' for the default tenant)."""
        return "" if self.name == DEFAULT_TENANT else f"{TENANT_PREFIX}{self.name}"

    def reset(self) -> None:
        settings = self.scenario.clock
        self.clock = Clock(settings.start, frozen=settings.frozen)
        with gc_paused():
            if self.backend is None:
                self.store = build_store(self.scenario, self.clock.time(), self.clock.now)
            else:
                self.store = self.backend.fresh_store(self.name, self.scenario, self.clock.time(), self.clock.now)
        self.rng = random.Random(self.seed)

    def replace(self, loaded: LoadedScenario) -> None:
        self.loaded = loaded
        self.reset()


class TenantRegistry:
    def __init__(self, default: Tenant) -> None:
        self._tenants = {default.name: default}
        self.backend: WorldBackend | None = default.backend
        """Given to the tenants created at run time (None: in memory)."""

    @property
    def default(self) -> Tenant:
        return self._tenants[DEFAULT_TENANT]

    def get(self, name: str) -> Tenant | None:
        return self._tenants.get(name)

    def all(self) -> list[Tenant]:
        return list(self._tenants.values())

    def add(self, tenant: Tenant) -> None:
        self._tenants[tenant.name] = tenant

    def remove(self, name: str) -> bool:
        if name == DEFAULT_TENANT:
            return False
        return self._tenants.pop(name, None) is not None
