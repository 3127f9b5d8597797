"""pytest plugin (entry point ``pytest11: mockserver``): a live mock server and a fresh tenant per test.

Fixtures (all opt-in; nothing runs until a test asks for one):

``mockserver_server`` (session)
    The server: a uvicorn server started lazily on 127.0.0.1 and an ephemeral port, or the one
    given by ``--mockserver-url`` / ``MOCKSERVER_URL`` (shared by pytest-xdist workers and CI jobs).
``mockserver_admin`` (session)
    An ``AdminClient`` for that server.
``mockserver_tenant``
    A fresh tenant for the test, from the scenario of ``@pytest.mark.scenario("path or name")``, else the
    ``mockserver_scenario`` fixture (override it, or parametrize it indirectly), else
    ``--mockserver-scenario``; else a copy of the server's own scenario. Removed afterwards
    (``--mockserver-keep-tenants`` keeps them for the dashboard).
``mockserver_tenant_factory``
    Make more tenants in one test: ``mockserver_tenant_factory(scenario=Path(...))``.

When a test using ``mockserver_tenant`` fails, its journal is added to the report.
"""

from __future__ import annotations

import contextlib
import os
import re
import secrets
from collections.abc import Callable, Generator, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest

if TYPE_CHECKING:
    from mockserver.testing.client import AdminClient, TenantClient
    from mockserver.testing.server import ThreadedServer

SCENARIO_MARKER = "scenario"
TENANT_FIXTURE = "mockserver_tenant"


def pytest_addoption(parser: pytest.Parser) -> None:
    group = parser.getgroup("mockserver", "mock Moodle + SENCE server")
    group.addoption(
        "--mockserver-url",
        default=None,
        help="use the mock server at this URL (default: $MOCKSERVER_URL, else start one in-process)",
    )
    group.addoption("--mockserver-scenario", default=None, help="default scenario file for tenants")
    group.addoption(
        "--mockserver-admin-token", default=None, help="admin token of the server (default: $MOCKSERVER_ADMIN_TOKEN)"
    )
    group.addoption(
        "--mockserver-keep-tenants", action="store_true", default=False, help="keep tenants after tests (debugging)"
    )
    parser.addini("mockserver_url", "URL of a running mock server", default="")
    parser.addini("mockserver_scenario", "default scenario file for tenants", default="")


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", f"{SCENARIO_MARKER}(path): scenario file for the {TENANT_FIXTURE} fixture")


def _setting(config: pytest.Config, option: str, ini: str | None, env: str | None) -> str | None:
    value = config.getoption(option)
    if not value and ini:
        value = config.getini(ini)
    if not value and env:
        value = os.environ.get(env)
    return str(value) if value else None


@dataclass
class MockServer:
    """The server the tests talk to: its URL and admin client; ``thread`` when this session started it."""

    url: str
    admin: AdminClient
    thread: ThreadedServer | None = None
    app: Any = field(default=None, repr=False)

    @property
    def owned(self) -> bool:
        return self.thread is not None


def _resolve(path: str | Path, request: pytest.FixtureRequest) -> Path:
    """A scenario path relative to the test file, the rootdir or the working directory, else the
    name of a shipped scenario (``demo``); a missing one fails the test in one line naming every place."""
    from mockserver.worlds import ScenarioNotFound, find_scenario

    try:
        return find_scenario(path, (request.path.parent, request.config.rootpath))
    except ScenarioNotFound as exc:
        pytest.fail(str(exc), pytrace=False)


def _resolve_session(scenario: str, config: pytest.Config) -> Path:
    from mockserver.worlds import ScenarioNotFound, find_scenario

    try:
        return find_scenario(scenario, (config.rootpath,))
    except ScenarioNotFound as exc:
        raise pytest.UsageError(f"--mockserver-scenario / mockserver_scenario: {exc}") from None


def _tenant_name(nodename: str) -> str:
    slug = re.sub(r"[^a-z0-9_-]+", "-", nodename.lower()).strip("-_")[:40].rstrip("-_") or "test"
    if not slug[0].isalnum():
        slug = "t" + slug
    return f"{slug}-{secrets.token_hex(3)}"


@pytest.fixture(scope="session")
def mockserver_server(request: pytest.FixtureRequest) -> Iterator[MockServer]:
    """The mock server for this session (started on first use unless a URL is configured)."""
    from mockserver.testing.client import AdminClient

    config = request.config
    token = _setting(config, "--mockserver-admin-token", None, "MOCKSERVER_ADMIN_TOKEN")
    url = _setting(config, "--mockserver-url", "mockserver_url", "MOCKSERVER_URL")
    if url:
        import httpx

        admin = AdminClient(url, token)
        try:
            admin.health()
        except httpx.HTTPError as exc:
            admin.close()
            raise RuntimeError(f"no mock server answers at {url} (--mockserver-url / MOCKSERVER_URL): {exc}") from None
        yield MockServer(url.rstrip("/"), admin)
        admin.close()
        return
    from mockserver.app import create_app
    from mockserver.config import ServerConfig
    from mockserver.testing.server import ThreadedServer

    scenario = _setting(config, "--mockserver-scenario", "mockserver_scenario", None)
    scenario_path = _resolve_session(scenario, config) if scenario else None
    app = create_app(ServerConfig(scenario_path=scenario_path, admin_token=token))
    thread = ThreadedServer(app)
    admin = AdminClient(thread.url, token)
    try:
        yield MockServer(thread.url, admin, thread, app)
    finally:
        admin.close()
        thread.stop()


@pytest.fixture(scope="session")
def mockserver_admin(mockserver_server: MockServer) -> AdminClient:
    """Admin API client of the session's server."""
    return mockserver_server.admin


@pytest.fixture
def mockserver_scenario(request: pytest.FixtureRequest) -> str | Path | None:
    """The scenario of ``mockserver_tenant`` when no marker names one; override or parametrize indirectly."""
    param: str | Path | None = getattr(request, "param", None)
    return param


TenantFactory = Callable[..., "TenantClient"]


@pytest.fixture
def mockserver_tenant_factory(
    request: pytest.FixtureRequest, mockserver_admin: AdminClient
) -> Generator[TenantFactory, None, None]:
    """``factory(scenario=None, name=None)``: a new tenant (removed after the test)."""
    made: list[TenantClient] = []
    keep = request.config.getoption("--mockserver-keep-tenants")

    def make(scenario: str | Path | dict[str, Any] | None = None, name: str | None = None) -> TenantClient:
        payload: Any = scenario
        if isinstance(scenario, (str, Path)) and not (isinstance(scenario, str) and "\n" in scenario):
            payload = _resolve(scenario, request)
        tenant = mockserver_admin.create_tenant(name or _tenant_name(request.node.name), scenario=payload)
        made.append(tenant)
        return tenant

    yield make
    if not keep:
        from mockserver.testing.client import AdminError

        for tenant in made:
            with contextlib.suppress(AdminError):
                tenant.delete()


@pytest.fixture
def mockserver_tenant(
    request: pytest.FixtureRequest, mockserver_tenant_factory: TenantFactory, mockserver_scenario: str | Path | None
) -> TenantClient:
    """A fresh, isolated tenant (own users, keys, sessions, clock, journal, SENCE attendance)."""
    marker = request.node.get_closest_marker(SCENARIO_MARKER)
    scenario: str | Path | None = marker.args[0] if marker is not None and marker.args else mockserver_scenario
    if scenario is None:
        default = _setting(request.config, "--mockserver-scenario", "mockserver_scenario", None)
        scenario = default
    return mockserver_tenant_factory(scenario)


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[None]) -> Generator[None, Any, Any]:
    report = yield
    if report.when == "call" and report.failed:
        funcargs: dict[str, Any] = getattr(item, "funcargs", {})
        tenant = funcargs.get(TENANT_FIXTURE)
        if tenant is not None:
            try:
                text = tenant.journal_text()
            except Exception as exc:  # the server may be the thing that failed
                text = f"(journal unavailable: {exc})"
            report.sections.append((f"mockserver journal (tenant {tenant.name})", text))
    return report
