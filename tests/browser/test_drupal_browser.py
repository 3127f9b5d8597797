"""auth_drupalservices in Chromium: Moodle and Drupal on two host names of one parent domain.

``moodle.example.test`` and ``drupal.example.test`` both map to 127.0.0.1 (Chromium's
``--host-resolver-rules``); Drupal's session cookie is set for ``.example.test``, so the browser
sends it to Moodle too. Moodle's own calls to ``drupal.example.test`` go to 127.0.0.1 through an
httpx transport (the server side has no such DNS name).
"""

from __future__ import annotations

import socket
from collections.abc import Iterator
from typing import Any

import httpx
import pytest

from mockserver.drupal.app import create_drupal_app
from mockserver.testing.server import ThreadedServer
from tests.conftest import CHROMIUM, CHROMIUM_ARGS
from tests.drupal.helpers import ANA, SCENARIO
from tests.harness import build_app

RESOLVER = "--host-resolver-rules=MAP *.example.test 127.0.0.1"


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


class Loopback(httpx.AsyncBaseTransport):
    """Connects to 127.0.0.1 whatever the URL's host; the Host header keeps the name."""

    def __init__(self) -> None:
        self.inner = httpx.AsyncHTTPTransport()

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        request.url = request.url.copy_with(host="127.0.0.1")
        return await self.inner.handle_async_request(request)

    async def aclose(self) -> None:
        await self.inner.aclose()


@pytest.fixture
def sites() -> Iterator[tuple[str, str, ThreadedServer]]:
    moodle_port, drupal_port = _free_port(), _free_port()
    moodle, drupal = f"http://moodle.example.test:{moodle_port}", f"http://drupal.example.test:{drupal_port}"
    overrides = {
        "moodle": {"wwwroot": moodle},
        "plugins": {"auth_drupalservices": {"host_uri": drupal, "cookiedomain": ".example.test"}},
        "drupal": {"cookie_domain": ".example.test"},
    }
    app = build_app(SCENARIO, overrides)
    app.starlette.state.http_mounts = {"http://drupal.example.test": Loopback()}
    moodle_server = ThreadedServer(app, port=moodle_port)
    drupal_server = ThreadedServer(create_drupal_app(app, drupal, moodle), port=drupal_port)
    yield moodle, drupal, drupal_server
    drupal_server.stop()
    moodle_server.stop()


@pytest.fixture
def browser(chromium: Any) -> Iterator[Any]:
    """A second Chromium of the session's Playwright, with the host-name mapping."""
    launched = chromium.browser_type.launch(executable_path=CHROMIUM, headless=True, args=[*CHROMIUM_ARGS, RESOLVER])
    yield launched
    launched.close()


def test_drupal_login_then_moodle(sites: tuple[str, str, ThreadedServer], browser: Any) -> None:
    moodle, drupal, drupal_server = sites
    context = browser.new_context()
    page = context.new_page()
    # A deep link into Moodle: Moodle's login page sends the browser to Drupal's login form.
    page.goto(f"{moodle}/my/")
    assert page.url == f"{drupal}/user/login?moodle_url=true&destination=my/"
    page.fill("#edit-name", ANA[0])
    page.fill("#edit-pass", ANA[1])
    page.click("#edit-submit")
    # Drupal sets its cookie for .example.test and returns to Moodle, which asks Drupal who it is.
    page.wait_for_url(f"{moodle}/my/")
    assert page.locator("#usertext").inner_text() == "Ana Pérez"
    cookies = {c["name"]: c for c in context.cookies()}
    drupal_cookie = next(c for name, c in cookies.items() if name.startswith("SESS"))
    assert drupal_cookie["domain"] == ".example.test"
    # Renamed in Drupal (her own profile form) ...
    page.goto(f"{drupal}/user/1001/edit")
    page.fill("#edit-field_last_name", "Pérez Soto")
    page.click("#edit-submit")
    assert "The changes have been saved." in page.content()
    # ... Moodle follows on the next login (a new Moodle session, same Drupal session).
    context.clear_cookies(name="MoodleSession")
    page.goto(f"{moodle}/login/index.php")
    page.wait_for_url(f"{moodle}/")
    page.goto(f"{moodle}/my/")
    assert page.locator("#usertext").inner_text() == "Ana Pérez Soto"
    # Drupal stops: Moodle's login page logs the session out and shows its own form.
    drupal_server.stop()
    page.goto(f"{moodle}/login/index.php")
    assert page.locator('input[name="password"]').count() == 1
    page.goto(f"{moodle}/my/")
    assert page.url == f"{moodle}/login/index.php"
    context.close()
