"""A tenant: one isolated world (scenario, clock, store, random source) under its own base path."""

from __future__ import annotations

import random
import re
from dataclasses import dataclass, field

from mockserver.world.clock import Clock
from mockserver.world.gcpause import gc_paused
from mockserver.world.loader import LoadedScenario
from mockserver.world.seed import build_store
from mockserver.world.spec import Scenario
from mockserver.world.store import Store

DEFAULT_TENANT = "default"
TENANT_NAME = re.compile(r"^[a-z0-9][a-z0-9_-]{0,62}$")
TENANT_PREFIX = "/t/"


@dataclass
class Tenant:
    name: str
    loaded: LoadedScenario
    seed: int = 0
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
            self.store = build_store(self.scenario, self.clock.time(), self.clock.now)
        self.rng = random.Random(self.seed)

    def replace(self, loaded: LoadedScenario) -> None:
        self.loaded = loaded
        self.reset()


class TenantRegistry:
    def __init__(self, default: Tenant) -> None:
        self._tenants = {default.name: default}

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
