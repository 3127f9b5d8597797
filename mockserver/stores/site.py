"""One site in Redis: its tenants, scenarios, generations, clocks and faults, for every process.

Layout under the namespace ``N`` (``mockserver:``)::

    N ver               counter bumped by every change of ``N tenants``
    N tenants           hash tenant name -> meta JSON {gen, scenario, start, clock, started, faults}
                        (and "!faults": the server-wide faults)
    N scn:<sha256>      a scenario as JSON, content-addressed (written once, read by the others)
    N gen               counter of generations
    N g:<tenant>:<gen>: a generation's state (RedisRuntime, RedisSenceStore, WorldLog)
    N j:<tenant>        the tenant's journal (a reset clears it unless kept)

    N changes           the channel every change is announced on (mockserver/stores/notify.py)

Each process keeps its own copy of every world (loaded from the scenario) and follows the site:
before each request it reads the messages already delivered to its subscription (no round trip
when there are none) and catches up when one came (a new tenant, a reset = a new generation, a
moved clock, new rules or faults; a user or enrolment changed elsewhere comes with its state).
The admin side publishes before it answers every admin request that may change something. A
reset starts a new generation, so nothing of the old one can leak into the new; the old
generation's keys are deleted after the answer.

Per process (documented in docs/stores.md): plugins' own tables, the delays drawn for faults,
and the ``--watch`` reloads.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
from collections.abc import Callable, Iterator
from typing import Any

import redis

from mockserver.admin.faults import FaultBook
from mockserver.admin.faultspec import FaultSpec
from mockserver.admin.state import AdminState
from mockserver.config import ServerConfig
from mockserver.stores.codec import text
from mockserver.stores.connect import Client, connect
from mockserver.stores.faults import SharedFaultBook
from mockserver.stores.journal import RedisJournal
from mockserver.stores.notify import Notifier
from mockserver.stores.runtime import RedisRuntime
from mockserver.stores.sence import RedisSenceStore
from mockserver.stores.wire import batch, line_for
from mockserver.stores.world import SharedWorldStore, WorldLog, parse_message
from mockserver.world.loader import LoadedScenario
from mockserver.world.seed import build_store
from mockserver.world.spec import Scenario
from mockserver.world.store import Store
from mockserver.world.tenant import DEFAULT_TENANT, Tenant

NAMESPACE = "mockserver:"
SERVER_FAULTS = "!faults"
JOIN_TIMEOUT_S = 120


class SharedSite:
    def __init__(self, client: redis.Redis, journal_size: int, seed: int = 0, namespace: str = NAMESPACE) -> None:
        self.r = client
        self.seed = seed
        self.ns = namespace
        self.journal_size = journal_size
        self._ver = namespace + "ver"
        self._tenants = namespace + "tenants"
        self._applied: dict[str, dict[str, Any]] = {}
        """Each tenant's meta as this process last read or wrote it."""
        self._scenario_ids: dict[int, tuple[Scenario, str]] = {}
        self._scenarios: dict[str, LoadedScenario] = {}
        self._adopt: dict[str, tuple[int, float]] = {}
        self._joining = False
        self.notifier = Notifier(client, namespace + "changes")
        self._logs: dict[str, SharedWorldStore] = {}
        """The world store of each log key (rebuilt from the tenants when a key is not found)."""
        self._garbage: list[str] = []
        """Prefixes of generations to delete once the answer is out (``collect``)."""

    # --- the WorldBackend of tenants ---------------------------------------------------------

    def fresh_store(self, tenant: str, scenario: Scenario, now: int, clock: Callable[[], float] | None = None) -> Store:
        adopt = self._adopt.pop(tenant, None)
        if adopt is None and self._joining:
            # a server (re)joining the site takes over the running generation of the same scenario
            raw = self.r.hget(self._tenants, tenant)
            meta = json.loads(raw) if raw else None
            if meta is not None and meta["scenario"] == self.scenario_id(scenario):
                adopt = (int(meta["gen"]), float(meta["started"]))
        if adopt is not None:
            return self._store(tenant, adopt[0], scenario, now, adopt[1], clock, fresh=False)
        gen = int(self.r.incr(self.ns + "gen"))
        return self._store(tenant, gen, scenario, now, float(now), clock, fresh=True)

    def _store(
        self,
        tenant: str,
        gen: int,
        scenario: Scenario,
        now: int,
        started: float,
        clock: Callable[[], float] | None,
        *,
        fresh: bool,
    ) -> Store:
        prefix = f"{self.ns}g:{tenant}:{gen}:"
        store = build_store(
            scenario,
            now,
            clock,
            runtime=RedisRuntime(
                self.r, prefix, now=clock, limits=scenario.limits, sessiontimeout=scenario.moodle.sessiontimeout
            ),
            sence=RedisSenceStore(
                self.r,
                prefix,
                started,
                now=clock,
                limits=scenario.limits,
                pending_login_lifetime=scenario.sence.settings.pending_login_lifetime,
            ),
            seed_runtime=fresh,
            store_class=SharedWorldStore,
        )
        assert isinstance(store, SharedWorldStore)
        store.generation = gen
        store.attach(WorldLog(self.r, prefix, self.notifier.channel), first=fresh)
        return store

    def secret(self, mine: str) -> str:
        """The site's secret (the first server's): cookies signed by one server are valid on all."""
        self.r.set(self.ns + "secret", mine, nx=True)
        return text(self.r.get(self.ns + "secret") or mine)

    def faults(self, tenant: str) -> SharedFaultBook:
        return SharedFaultBook(self.r, f"{self.ns}fc:{tenant}", self.seed)

    def journal(self, tenant: str) -> RedisJournal:
        return RedisJournal(self.r, f"{self.ns}j:{tenant}", self.journal_size)

    # --- scenarios by content ----------------------------------------------------------------

    def scenario_id(self, scenario: Scenario) -> str:
        cached = self._scenario_ids.get(id(scenario))
        if cached is not None and cached[0] is scenario:
            return cached[1]
        raw = scenario.model_dump_json()
        sha = hashlib.sha256(raw.encode()).hexdigest()
        self.r.set(f"{self.ns}scn:{sha}", raw, nx=True)
        self._scenario_ids[id(scenario)] = (scenario, sha)
        return sha

    def _loaded(self, sha: str) -> LoadedScenario:
        found = self._scenarios.get(sha)
        if found is None:
            raw = self.r.get(f"{self.ns}scn:{sha}")
            if raw is None:
                raise RuntimeError(f"scenario {sha} is missing from the store")
            found = LoadedScenario(Scenario.model_validate_json(raw))
            self._scenario_ids[id(found.scenario)] = (found.scenario, sha)
            self._scenarios[sha] = found
        return found

    # --- joining, following, publishing ----------------------------------------------------------

    @contextlib.contextmanager
    def joining(self) -> Iterator[None]:
        """Around building the app: one process at a time joins; tenants adopt running generations."""
        with self.r.lock(self.ns + "join", timeout=JOIN_TIMEOUT_S, blocking_timeout=JOIN_TIMEOUT_S):
            self._joining = True
            try:
                yield
            finally:
                self._joining = False

    def join(self, admin: AdminState) -> None:
        """Called inside ``joining()`` once the app exists: follow the site, publish what is new."""
        self._follow(admin, self._read_metas())
        self.publish(admin)
        self.collect()

    def refresh(self, admin: AdminState) -> None:
        """Before a request: apply what the other processes announced (no round trip when nothing)."""
        messages = self.notifier.pending()
        if messages is None:  # a new subscription: anything may have changed meanwhile
            self._follow(admin, self._read_metas())
            for tenant in admin.tenants.all():
                if isinstance(tenant.store, SharedWorldStore):
                    tenant.store.pull()
            return
        for message in messages:
            if message == b"s":
                self._follow(admin, self._read_metas())
            elif message.startswith(b"w\n"):
                key, version, entity, state = parse_message(message[2:])
                store = self._log_store(admin, key)
                if store is not None:
                    store.receive(version, entity, state)

    def _log_store(self, admin: AdminState, key: str) -> SharedWorldStore | None:
        store = self._logs.get(key)
        if store is None or store.log is None:
            self._logs = {
                t.store.log.version_key: t.store
                for t in admin.tenants.all()
                if isinstance(t.store, SharedWorldStore) and t.store.log is not None
            }
            store = self._logs.get(key)  # None: a tenant this process follows on its "s" message
        return store

    def pass_fence(self) -> None:
        """Before an answer: the request's deferred writes are stored, and what this process
        published has reached every other process."""
        if isinstance(self.r, Client):
            self.r.pass_fence()

    def deferring(self) -> contextlib.AbstractContextManager[None]:
        """Around a request: writes whose reply it does not need wait for its next round trip
        (mockserver/stores/wire.py); ``pass_fence`` sends them before the answer."""
        return batch(line_for(self.r))

    def _read_metas(self) -> dict[str, dict[str, Any]]:
        raw = self.r.hgetall(self._tenants)
        return {text(k): json.loads(v) for k, v in raw.items()}

    def _meta(self, admin: AdminState, tenant: Tenant) -> dict[str, Any]:
        runtime = admin.runtime(tenant)
        store = tenant.store
        return {
            "gen": store.generation if isinstance(store, SharedWorldStore) else 0,
            "scenario": self.scenario_id(tenant.scenario),
            "start": self.scenario_id((runtime.start or tenant.loaded).scenario),
            "clock": list(tenant.clock.state()),
            "started": tenant.store.sence.started,
            "faults": _faults(runtime.faults),
        }

    def publish(self, admin: AdminState) -> None:
        """Write what this process changed (tenants, clocks, scenarios, faults) for the others."""
        changed: dict[str, dict[str, Any]] = {}
        for tenant in admin.tenants.all():
            meta = self._meta(admin, tenant)
            if meta != self._applied.get(tenant.name):
                changed[tenant.name] = meta
        server_faults = {"faults": _faults(admin.global_faults)}
        if server_faults != self._applied.get(SERVER_FAULTS):
            changed[SERVER_FAULTS] = server_faults
        removed = [n for n in self._applied if n != SERVER_FAULTS and admin.tenants.get(n) is None]
        if not changed and not removed:
            return
        with self.r.pipeline() as pipe:
            for name, meta in changed.items():
                pipe.hset(self._tenants, name, json.dumps(meta))
            if removed:
                pipe.hdel(self._tenants, *removed)
            pipe.incr(self._ver)
            pipe.publish(self.notifier.channel, "s")
            pipe.execute()
        if isinstance(self.r, Client):
            self.r.fence_pending = True
        for name, meta in changed.items():
            before = self._applied.get(name)
            if before is not None and before.get("gen") != meta.get("gen"):
                self._garbage.append(f"{self.ns}g:{name}:{before['gen']}:")
            self._applied[name] = meta
        for name in removed:
            before = self._applied.pop(name)
            self._garbage.append(f"{self.ns}g:{name}:{before['gen']}:")
            self.r.delete(f"{self.ns}j:{name}", f"{self.ns}j:{name}:total", f"{self.ns}fc:{name}")

    def collect(self) -> None:
        """Delete the keys of the generations ``publish`` left behind (after the answer: a scan)."""
        while self._garbage:
            self._drop(self._garbage.pop())

    def _drop(self, prefix: str) -> None:
        """Delete an old generation's keys (a reset or a removed tenant)."""
        batch: list[bytes] = []
        for key in self.r.scan_iter(match=prefix + "*", count=1000):
            batch.append(key)
            if len(batch) >= 1000:
                self.r.unlink(*batch)
                batch = []
        if batch:
            self.r.unlink(*batch)

    def _follow(self, admin: AdminState, metas: dict[str, dict[str, Any]]) -> None:
        """Make this process's tenants what the site says."""
        for name, meta in metas.items():
            if name == SERVER_FAULTS:
                if meta != self._applied.get(name):
                    _load_faults(admin.global_faults, meta["faults"])
                    self._applied[name] = meta
                continue
            if meta == self._applied.get(name):
                continue
            self._follow_tenant(admin, name, meta)
            self._applied[name] = meta
        for tenant in list(admin.tenants.all()):
            if tenant.name not in metas and tenant.name != DEFAULT_TENANT and tenant.name in self._applied:
                admin.tenants.remove(tenant.name)
                self._applied.pop(tenant.name, None)

    def _follow_tenant(self, admin: AdminState, name: str, meta: dict[str, Any]) -> None:
        loaded = self._loaded(meta["scenario"])
        tenant = admin.tenants.get(name)
        adopt = (int(meta["gen"]), float(meta["started"]))
        if tenant is None:
            self._adopt[name] = adopt
            tenant = Tenant(name, loaded, seed=admin.config.seed, backend=self)
            admin.tenants.add(tenant)
        elif not isinstance(tenant.store, SharedWorldStore) or tenant.store.generation != adopt[0]:
            self._adopt[name] = adopt
            tenant.replace(loaded)
        elif tenant.scenario is not loaded.scenario:
            tenant.loaded = loaded  # new rules, same world
        tenant.clock.restore((meta["clock"][0], meta["clock"][1], meta["clock"][2]))
        runtime = admin.runtime(tenant)
        runtime.start = self._loaded(meta["start"])
        if _faults(runtime.faults) != meta["faults"]:
            _load_faults(runtime.faults, meta["faults"])


def _faults(book: FaultBook) -> list[Any]:
    return [[f.id, f.origin, f.spec.model_dump(mode="json", exclude_defaults=True)] for f in book.faults]


def _load_faults(book: FaultBook, items: list[Any]) -> None:
    """Take over another process's fault list; faults already here keep their counters."""
    current = {(f.id, json.dumps(f.spec.model_dump(mode="json", exclude_defaults=True))): f for f in book.faults}
    book.faults = []
    for fault_id, origin, spec in items:
        kept = current.get((fault_id, json.dumps(spec)))
        if kept is not None:
            book.faults.append(kept)
        else:
            book.add(FaultSpec.model_validate({**spec, "id": fault_id}), origin)


def open_site(config: ServerConfig) -> SharedSite:
    assert config.store_url is not None
    return SharedSite(connect(config.store_url), config.journal_size, config.seed)
