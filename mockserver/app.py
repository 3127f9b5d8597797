"""``create_app()``: one Starlette app over a registry of tenants, the same for CLI, tests and CI."""

from __future__ import annotations

from starlette.applications import Starlette
from starlette.types import ASGIApp

from mockserver.config import ServerConfig
from mockserver.routes import all_routes
from mockserver.tenancy import TenantDispatch
from mockserver.world.loader import LoadedScenario, load_scenario, load_scenario_text
from mockserver.world.tenant import DEFAULT_TENANT, Tenant, TenantRegistry


def _initial_scenario(config: ServerConfig) -> LoadedScenario:
    if config.scenario_path is not None:
        return load_scenario(config.scenario_path)
    return load_scenario_text("{}", "<empty>")


class MockServerApp:
    """The ASGI entry point: tenant dispatch in front of the Starlette router."""

    def __init__(self, config: ServerConfig, scenario: LoadedScenario | None = None) -> None:
        self.config = config
        self.tenants = TenantRegistry(Tenant(DEFAULT_TENANT, scenario or _initial_scenario(config), seed=config.seed))
        self.starlette = Starlette(routes=all_routes())
        self.starlette.state.config = config
        self.starlette.state.tenants = self.tenants
        self.asgi: ASGIApp = TenantDispatch(self.starlette, self.tenants)

    async def __call__(self, scope, receive, send):  # type: ignore[no-untyped-def]
        await self.asgi(scope, receive, send)


def create_app(config: ServerConfig | None = None, scenario: LoadedScenario | None = None) -> MockServerApp:
    return MockServerApp(config or ServerConfig(), scenario)
