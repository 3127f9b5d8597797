"""Test harness: worlds from scenario files (with overrides), in-process and live clients, Chromium.

Every HTTP test gets a ``Harness`` through the ``server`` fixture, parametrised over two
transports: ``inprocess`` (httpx ``ASGITransport`` on the app object) and ``live`` (a real
uvicorn server on an ephemeral port, shared by the session, switched to the test's app).
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import copy
from collections.abc import Callable, Coroutine
from contextlib import AbstractContextManager
from functools import partial
from pathlib import Path
from typing import Any, TypeVar

import anyio.from_thread
import httpx
import yaml

from mockserver.app import MockServerApp, create_app
from mockserver.config import ServerConfig
from mockserver.testing.server import ThreadedServer
from mockserver.world.loader import load_scenario_text
from mockserver.world.tenant import Tenant

T = TypeVar("T")
ROOT = Path(__file__).resolve().parent.parent
DEMO = ROOT / "scenarios" / "demo.yaml"
DEMO_TOKEN = "d1c2b3a4e5f60718293a4b5c6d7e8f90"
REST = "/webservice/rest/server.php"
CLIENT_IP = "127.0.0.1"


def run_async(main: Callable[[], Coroutine[Any, Any, T]]) -> T:
    """``asyncio.run(main())`` in a fresh thread: the session's Playwright (sync API) keeps an event loop
    marked running in the test thread once a Chromium test ran, where asyncio.run/anyio.run refuse."""
    with concurrent.futures.ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(lambda: asyncio.run(main())).result()


def get_scope(path: str, query: bytes = b"") -> dict[str, Any]:
    """An ASGI scope for ``GET path?query`` from a loopback client, for tests that call the app
    directly to watch what happens around its ``send`` calls."""
    return {
        "type": "http",
        "asgi": {"version": "3.0"},
        "http_version": "1.1",
        "method": "GET",
        "scheme": "http",
        "path": path,
        "raw_path": path.encode(),
        "query_string": query,
        "root_path": "",
        "headers": [(b"host", b"localhost")],
        "client": ("127.0.0.1", 50000),
        "server": ("127.0.0.1", 80),
    }


def deep_merge(base: dict[str, Any], overrides: dict[str, Any]) -> dict[str, Any]:
    merged = copy.deepcopy(base)
    for key, value in overrides.items():
        if isinstance(value, dict) and isinstance(merged.get(key), dict):
            merged[key] = deep_merge(merged[key], value)
        else:
            merged[key] = copy.deepcopy(value)
    return merged


def build_app(scenario: Path = DEMO, overrides: dict[str, Any] | None = None, **config: Any) -> MockServerApp:
    data = yaml.safe_load(scenario.read_text(encoding="utf-8")) or {}
    data = deep_merge(data, overrides or {})
    loaded = load_scenario_text(yaml.safe_dump(data, allow_unicode=True), str(scenario), scenario.parent)
    config.setdefault("allowed_hosts", ("testserver",))  # the in-process clients' Host
    return create_app(ServerConfig(**config), loaded)


class InProcessClient:
    """A synchronous facade over ``httpx.AsyncClient(transport=ASGITransport(app))``."""

    def __init__(self, app: MockServerApp, base_url: str, client_ip: str = CLIENT_IP) -> None:
        self._portal_cm: AbstractContextManager[Any] = anyio.from_thread.start_blocking_portal()
        self._portal = self._portal_cm.__enter__()
        transport = httpx.ASGITransport(app=app, client=(client_ip, 50123))
        self._client = httpx.AsyncClient(transport=transport, base_url=base_url)

    @property
    def cookies(self) -> httpx.Cookies:
        return self._client.cookies

    def request(self, method: str, url: str, **kwargs: Any) -> httpx.Response:
        response: httpx.Response = self._portal.call(partial(self._client.request, method, url, **kwargs))
        return response

    def get(self, url: str, **kwargs: Any) -> httpx.Response:
        return self.request("GET", url, **kwargs)

    def post(self, url: str, **kwargs: Any) -> httpx.Response:
        return self.request("POST", url, **kwargs)

    def close(self) -> None:
        self._portal.call(self._client.aclose)
        self._portal_cm.__exit__(None, None, None)


class SwitchableApp:
    """The live server's ASGI app: forwards to whichever app the current test installed."""

    def __init__(self) -> None:
        self.current: MockServerApp | None = None

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        if scope["type"] == "lifespan":
            while (await receive())["type"] == "lifespan.startup":
                await send({"type": "lifespan.startup.complete"})
            await send({"type": "lifespan.shutdown.complete"})
            return
        assert self.current is not None, "no app installed on the live server"
        await self.current(scope, receive, send)


class LiveServer:
    """A real uvicorn server on 127.0.0.1 and an ephemeral port serving whichever app a test installs."""

    def __init__(self) -> None:
        self.app = SwitchableApp()
        self.server = ThreadedServer(self.app)
        self.port = self.server.port
        self.base_url = self.server.url

    def stop(self) -> None:
        self.server.stop()


class Harness:
    """One test's world and the client that talks to it."""

    def __init__(
        self, app: MockServerApp, client: InProcessClient | httpx.Client, base_url: str, transport: str
    ) -> None:
        self.app = app
        self.client = client
        self.base_url = base_url
        self.transport = transport

    @property
    def tenant(self) -> Tenant:
        return self.app.tenants.default

    def url(self, path: str) -> str:
        return self.base_url + path

    def rest(
        self, function: str | None = None, *, token: str | None = DEMO_TOKEN, fmt: str | None = "json", **params: Any
    ) -> httpx.Response:
        data: dict[str, Any] = {}
        if token is not None:
            data["wstoken"] = token
        if function is not None:
            data["wsfunction"] = function
        if fmt is not None:
            data["moodlewsrestformat"] = fmt
        data.update(params)
        return self.client.post(REST, data=data)

    def login_url(self, username: str = "alumno1") -> str:
        response = self.rest("auth_userkey_request_login_url", **{"user[username]": username})
        url: str = response.json()["loginurl"]
        return url


ServerFactory = Callable[..., Harness]


def make_factory(transport: str, live: LiveServer | None, closers: list[Callable[[], None]]) -> ServerFactory:
    def start(scenario: Path = DEMO, overrides: dict[str, Any] | None = None, **config: Any) -> Harness:
        app = build_app(scenario, overrides, **config)
        if transport == "live":
            assert live is not None
            live.app.current = app
            client: InProcessClient | httpx.Client = httpx.Client(base_url=live.base_url)
            base_url = live.base_url
        else:
            base_url = "http://testserver"
            client = InProcessClient(app, base_url)
        closers.append(client.close)
        return Harness(app, client, base_url, transport)

    return start
