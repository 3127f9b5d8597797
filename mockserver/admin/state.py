"""What the admin side keeps next to each tenant (journal, faults, scenario source) and the tenant operations.

The world itself lives in ``Tenant``; this module adds the CI machinery around it without the
world knowing. ``AdminState`` is created once per app and is the only place that creates,
replaces, resets and removes tenants, so journal and faults always follow the world.
"""

from __future__ import annotations

import secrets
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from mockserver.admin.faults import FaultBook
from mockserver.admin.journal import Journal, JournalStore
from mockserver.config import ServerConfig
from mockserver.world.loader import LoadedScenario, load_scenario, load_scenario_text
from mockserver.world.tenant import DEFAULT_TENANT, TENANT_NAME, Tenant, TenantRegistry

SERVER_FAULTS = "!server"
"""Name of the server-wide fault book (tenant names start with a letter or digit)."""


class TenantError(ValueError):
    """A tenant operation that cannot be done (bad or taken name, the default tenant)."""


class UnknownTenant(TenantError):
    """No tenant has this name."""


class TenantLimit(TenantError):
    """``--max-tenants`` tenants exist: a new one is refused (409) until one is deleted.

    Refused rather than evicting the oldest idle tenant: a CI job's tenant that vanished under it
    would fail far from the cause, while a refusal names the limit where the tenant is created."""


@dataclass(frozen=True)
class ScenarioSource:
    """Where a tenant's scenario came from, so that ``--watch`` can load it again."""

    path: Path | None = None
    text: str | None = None
    base_dir: Path | None = None

    def load(self) -> LoadedScenario:
        if self.path is not None:
            return load_scenario(self.path)
        return load_scenario_text(self.text or "{}", "<api>", self.base_dir)

    def describe(self) -> str:
        return str(self.path) if self.path is not None else "<scenario sent through the admin API>"


@dataclass
class TenantRuntime:
    tenant: Tenant
    journal: JournalStore
    faults: FaultBook
    source: ScenarioSource | None = None
    start: LoadedScenario | None = None
    created: float = field(default_factory=time.time)
    reload_error: str | None = None
    reloads: int = 0


class AdminState:
    def __init__(
        self,
        config: ServerConfig,
        tenants: TenantRegistry,
        journal_factory: Callable[[str], JournalStore] | None = None,
        fault_factory: Callable[[str], FaultBook] | None = None,
    ) -> None:
        self.config = config
        self.tenants = tenants
        self.fault_factory: Callable[[str], FaultBook] = fault_factory or (lambda _name: FaultBook(seed=config.seed))
        """A tenant's fault book by name (``SERVER_FAULTS`` for the server-wide one); shared counters
        when the store is (``mockserver.stores``)."""
        self.global_faults = self.fault_factory(SERVER_FAULTS)
        self._runtimes: dict[str, TenantRuntime] = {}
        self.journal_factory: Callable[[str], JournalStore] = journal_factory or (
            lambda _name: Journal(config.journal_size, config.journal_bytes)
        )
        """A tenant's journal by name: in memory, or shared when the store is (``mockserver.stores``)."""
        default_source = ScenarioSource(path=config.scenario_path) if config.scenario_path else None
        self.runtime(tenants.default).source = default_source

    def runtime(self, tenant: Tenant) -> TenantRuntime:
        """The tenant's journal and faults (created on first use, also for tenants added directly)."""
        found = self._runtimes.get(tenant.name)
        if found is None or found.tenant is not tenant:
            faults = self.fault_factory(tenant.name)
            faults.load(tenant.scenario.faults)
            found = TenantRuntime(tenant, self.journal_factory(tenant.name), faults, start=tenant.loaded)
            self._runtimes[tenant.name] = found
        return found

    def get(self, name: str) -> TenantRuntime:
        tenant = self.tenants.get(name)
        if tenant is None:
            raise UnknownTenant(f"no tenant named {name!r}")
        return self.runtime(tenant)

    def all(self) -> list[TenantRuntime]:
        return [self.runtime(t) for t in self.tenants.all()]

    def new_name(self) -> str:
        while True:
            name = f"t{secrets.token_hex(4)}"
            if self.tenants.get(name) is None:
                return name

    def create(self, name: str | None, loaded: LoadedScenario, source: ScenarioSource | None) -> TenantRuntime:
        name = name or self.new_name()
        if not TENANT_NAME.fullmatch(name):
            raise TenantError(f"invalid tenant name {name!r}: use a-z, 0-9, '-' and '_' (at most 63, starting alnum)")
        if self.tenants.get(name) is not None:
            raise TenantError(f"tenant {name!r} exists")
        if len(self.tenants.all()) >= self.config.max_tenants:
            raise TenantLimit(
                f"tenant limit reached: {self.config.max_tenants} tenants (--max-tenants); "
                "delete one (DELETE /__mock/tenants/{name}) or reset one instead"
            )
        tenant = Tenant(name, loaded, seed=self.config.seed, backend=self.tenants.backend)
        self.tenants.add(tenant)
        runtime = self.runtime(tenant)
        runtime.source = source
        return runtime

    def delete(self, name: str) -> None:
        if name == DEFAULT_TENANT:
            raise TenantError("the default tenant cannot be removed (reset it instead)")
        if not self.tenants.remove(name):
            raise UnknownTenant(f"no tenant named {name!r}")
        self._runtimes.pop(name, None)

    def reset(self, runtime: TenantRuntime, *, keep_journal: bool = False, keep_faults: bool = False) -> None:
        """Back to the scenario's start: world, clock, random source, rules; journal and faults unless kept."""
        tenant = runtime.tenant
        if runtime.start is not None and tenant.loaded is not runtime.start:
            tenant.replace(runtime.start)  # rules were changed at runtime
        else:
            tenant.reset()
        if not keep_journal:
            runtime.journal.clear()
        if not keep_faults:
            runtime.faults.load(runtime.tenant.scenario.faults)

    def replace(
        self,
        runtime: TenantRuntime,
        loaded: LoadedScenario,
        source: ScenarioSource | None,
        *,
        keep_journal: bool = False,
    ) -> None:
        """A new scenario: a fresh world from it and its faults (live reload keeps the journal)."""
        runtime.tenant.replace(loaded)
        runtime.start = loaded
        runtime.faults.load(loaded.scenario.faults)
        if not keep_journal:
            runtime.journal.clear()
        runtime.source = source
        runtime.reload_error = None
