"""A Moodle app plus the fake Drupal over its tenants, in-process or on two live ports."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from mockserver.app import MockServerApp
from mockserver.drupal.app import create_drupal_app
from mockserver.drupal.state import session_name
from mockserver.testing.server import ThreadedServer
from mockserver.world.tenant import Tenant
from tests.harness import ROOT, InProcessClient, build_app

SCENARIO = ROOT / "scenarios" / "drupal-sso.yaml"
ANA = ("ana", "Drupal1234!")
INPROCESS_DRUPAL = "http://drupal.test"
INPROCESS_MOODLE = "http://testserver"


class World:
    """One test's Moodle and Drupal, and a client for each (sharing nothing but what tests pass)."""

    def __init__(self, transport: str, scenario: Path = SCENARIO, overrides: dict[str, Any] | None = None) -> None:
        self.transport = transport
        self.closers: list[Callable[[], None]] = []
        if transport == "live":
            self.app: MockServerApp = build_app(scenario, overrides)
            self.moodle_server = ThreadedServer(self.app)
            self.moodle_url = self.moodle_server.url
            self.drupal_server = ThreadedServer(create_drupal_app(self.app, moodle_url=self.moodle_url))
            self.drupal_url = self.drupal_server.url
            self.app.starlette.state.drupal_url = self.drupal_url  # what `serve --drupal-port` does
            self.closers += [self.drupal_server.stop, self.moodle_server.stop]
            self.drupal: InProcessClient | httpx.Client = httpx.Client(base_url=self.drupal_url)
            self.moodle: InProcessClient | httpx.Client = httpx.Client(base_url=self.moodle_url)
        else:
            self.app = build_app(scenario, overrides)
            self.drupal_url, self.moodle_url = INPROCESS_DRUPAL, INPROCESS_MOODLE
            drupal_app = create_drupal_app(self.app, INPROCESS_DRUPAL, INPROCESS_MOODLE)
            self.drupal = InProcessClient(drupal_app, INPROCESS_DRUPAL)  # type: ignore[arg-type]
            self.moodle = InProcessClient(self.app, INPROCESS_MOODLE)
            # Moodle's outgoing calls to the Drupal origin reach the app in-process.
            self.app.starlette.state.http_mounts = {INPROCESS_DRUPAL: httpx.ASGITransport(app=drupal_app)}
        self.closers += [self.drupal.close, self.moodle.close]

    @property
    def tenant(self) -> Tenant:
        return self.app.tenants.default

    @property
    def cookie_name(self) -> str:
        spec = self.tenant.scenario.drupal
        host = httpx.URL(self.drupal_url).host
        return session_name(spec, self.drupal_url, host)

    def drupal_cookie(self, name: str = ANA[0], password: str = ANA[1]) -> dict[str, str]:
        """Log in on Drupal; its session cookie joins Moodle's jar. Returns the Cookie header for Drupal calls."""
        response = self.drupal_login(name, password)
        assert response.status_code == 302, response.text
        sid = response.headers["set-cookie"].split(";", 1)[0].split("=", 1)[1]
        self.drupal.cookies.clear()
        # the browser's cookie jar: the Drupal session cookie also goes to Moodle (a shared cookie domain)
        self.moodle.cookies.set(self.cookie_name, sid)
        return {"Cookie": f"{self.cookie_name}={sid}"}

    def drupal_login(self, name: str = ANA[0], password: str = ANA[1], **query: str) -> httpx.Response:
        return self.drupal.post("/user/login", params=query, data={"name": name, "pass": password})

    def close(self) -> None:
        for close in reversed(self.closers):
            close()


WorldFactory = Callable[..., World]


@pytest.fixture(params=["inprocess", "live"])
def world(request: pytest.FixtureRequest) -> Iterator[WorldFactory]:
    made: list[World] = []

    def make(scenario: Path = SCENARIO, overrides: dict[str, Any] | None = None) -> World:
        created = World(request.param, scenario, overrides)
        made.append(created)
        return created

    yield make
    for created in made:
        created.close()
