"""``create_app()``: one Starlette app over a registry of tenants, the same for CLI, tests and CI.

The ASGI stack, outside in::

    MockServerApp (lifespan: live reload)
      AccessLog: one console line per request (``config.access_log``)
      AdminMount: /__mock/... -> admin API and dashboard (mockserver.admin)
        TenantDispatch: /t/<name>/... -> the tenant, its prefix in root_path
          Instrument: journal + faults of that tenant
            FastRoutes: fixed paths straight to their endpoint (mockserver.fastroute)
              Starlette: Moodle and SENCE routes
"""

from __future__ import annotations

import asyncio
import contextlib
import dataclasses
from typing import TYPE_CHECKING

from starlette.applications import Starlette
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from mockserver import quietlog
from mockserver.accesslog import AccessLog
from mockserver.admin.api import PREFIX as ADMIN_PREFIX
from mockserver.admin.inject import SERVER_SEND
from mockserver.admin.middleware import AdminMount, Instrument
from mockserver.admin.site import build_admin_app
from mockserver.admin.state import AdminState
from mockserver.admin.watch import Watcher
from mockserver.config import ServerConfig
from mockserver.edge import MergeSlashes
from mockserver.fastroute import FastRoutes
from mockserver.routes import all_routes
from mockserver.stores.reads import KEY_READS
from mockserver.tenancy import TenantDispatch
from mockserver.world.loader import LoadedScenario, load_scenario, load_scenario_text
from mockserver.world.tenant import DEFAULT_TENANT, Tenant, TenantRegistry

if TYPE_CHECKING:
    from mockserver.stores.site import SharedSite


def _initial_scenario(config: ServerConfig) -> LoadedScenario:
    if config.scenario_path is not None:
        return load_scenario(config.scenario_path)
    return load_scenario_text("{}", "<empty>")


class MockServerApp:
    """The ASGI entry point: admin mount, tenant dispatch and instrumentation in front of the routes."""

    def __init__(self, config: ServerConfig, scenario: LoadedScenario | None = None) -> None:
        self.config = config
        loaded = scenario or _initial_scenario(config)
        self.shared: SharedSite | None = None
        if config.store_url:
            from mockserver.stores.site import open_site  # redis is imported only when used

            self.shared = open_site(config)
            # one cookie-signing secret for the whole site: any server accepts any server's cookie
            config = dataclasses.replace(config, secret_key=self.shared.secret(config.secret_key))
            self.config = config
            with self.shared.joining():
                self.tenants = TenantRegistry(Tenant(DEFAULT_TENANT, loaded, seed=config.seed, backend=self.shared))
                self.admin = AdminState(config, self.tenants, self.shared.journal, self.shared.faults)
                self.shared.join(self.admin)
        else:
            self.tenants = TenantRegistry(Tenant(DEFAULT_TENANT, loaded, seed=config.seed))
            self.admin = AdminState(config, self.tenants)
        self.starlette = Starlette(routes=all_routes())
        self.starlette.state.config = config
        self.starlette.state.tenants = self.tenants
        self.admin_app = build_admin_app(self.admin)
        dispatch = TenantDispatch(self.instrumented(FastRoutes(self.starlette)), self.tenants)
        self.asgi: ASGIApp = MergeSlashes(AdminMount(self.admin_app, dispatch, ADMIN_PREFIX))
        if config.access_log:
            self.asgi = AccessLog(self.asgi)
        self.watcher = Watcher(self.admin)

    def instrumented(self, app: ASGIApp) -> ASGIApp:
        """``app`` with this server's journal and faults; put it inside a ``TenantDispatch`` (e.g. the
        SENCE-only app of ``--sence-port``) so its requests are journaled and faultable too."""
        return Instrument(app, self.admin)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "lifespan":
            await self._lifespan(receive, send)
            return
        scope[SERVER_SEND] = send  # for a fault that closes the socket, whatever wraps send on the way
        try:
            if self.shared is not None and scope["type"] == "http":
                await self._shared(self.shared, scope, receive, send)
                return
            await self.asgi(scope, receive, send)
        finally:
            # The server's cycle holds this scope and ``send`` is one of its methods: left here, every
            # request would be a reference cycle only the cyclic GC frees (~8% of a request's CPU).
            scope.pop(SERVER_SEND, None)

    async def _shared(self, shared: SharedSite, scope: Scope, receive: Receive, send: Send) -> None:
        """Catch up with the site before the request; before the answer, make this request's changes
        reach the other processes (an admin change is announced first), so whatever the client
        does next, on any process, sees them (docs/stores.md)."""
        path: str = scope["path"]
        shared.refresh(self.admin)
        admin_change = path.startswith(ADMIN_PREFIX) and scope["method"] not in ("GET", "HEAD")

        async def announce(message: Message) -> None:
            if message["type"] == "http.response.start":
                if admin_change:
                    shared.publish(self.admin)
                shared.pass_fence()
            await send(message)

        reads = KEY_READS.set({})
        try:
            with shared.deferring():
                await self.asgi(scope, receive, announce)
        finally:
            KEY_READS.reset(reads)
            if admin_change:
                shared.publish(self.admin)  # what changed after the answer started, if anything
                shared.collect()

    async def _lifespan(self, receive: Receive, send: Send) -> None:
        task: asyncio.Task[None] | None = None
        while True:
            message = await receive()
            if message["type"] == "lifespan.startup":
                if self.config.watch:
                    task = asyncio.create_task(self.watcher.run(self.config.watch_interval))
                await send({"type": "lifespan.startup.complete"})
            elif message["type"] == "lifespan.shutdown":
                if task is not None:
                    task.cancel()
                    with contextlib.suppress(asyncio.CancelledError):
                        await task
                await send({"type": "lifespan.shutdown.complete"})
                return


def create_app(config: ServerConfig | None = None, scenario: LoadedScenario | None = None) -> MockServerApp:
    quietlog.quiet_parsers()  # malformed multipart bodies are answered, not logged
    return MockServerApp(config or ServerConfig(), scenario)
