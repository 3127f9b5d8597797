"""Shared fixtures: ``server`` (in-process and live), ``live_server``, ``chromium``."""

from __future__ import annotations

import atexit
import os
import shutil
import tempfile
from collections.abc import Callable, Iterator
from typing import Any

import pytest

from tests.harness import LiveServer, ServerFactory, make_factory

# The caches of parsed and validated scenarios (mockserver/world/parsecache.py, loadcache.py) in a
# folder of this run's own (servers the tests start inherit it): a run neither reuses what earlier
# runs left nor evicts a user's entries.
_CACHE = tempfile.mkdtemp(prefix="mockserver-test-cache-")
os.environ.setdefault("MOCKSERVER_CACHE_DIR", _CACHE)
atexit.register(shutil.rmtree, _CACHE, ignore_errors=True)

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


@pytest.fixture(scope="session")
def live_server() -> Iterator[LiveServer]:
    server = LiveServer()
    yield server
    server.stop()


@pytest.fixture(params=["inprocess", "live"])
def server(request: pytest.FixtureRequest) -> Iterator[ServerFactory]:
    """Factory: ``server(scenario=..., overrides={...})`` gives a Harness on either transport."""
    closers: list[Callable[[], None]] = []
    live = request.getfixturevalue("live_server") if request.param == "live" else None
    yield make_factory(request.param, live, closers)
    for close in closers:
        close()


@pytest.fixture
def inprocess() -> Iterator[ServerFactory]:
    """Like ``server`` but in-process only (for tests that poke internals heavily)."""
    closers: list[Callable[[], None]] = []
    yield make_factory("inprocess", None, closers)
    for close in closers:
        close()


@pytest.fixture
def live() -> Iterator[ServerFactory]:
    """Like ``server`` but only against the live uvicorn server."""
    closers: list[Callable[[], None]] = []
    server = LiveServer()
    yield make_factory("live", server, closers)
    for close in closers:
        close()
    server.stop()


@pytest.fixture(scope="module")
def chromium() -> Iterator[Any]:
    """Debian's Chromium driven by Playwright; never downloads a browser. Missing browser = failure.

    Module scope: Playwright's sync API keeps an asyncio loop running in the main thread while it
    is open, so later tests on the same worker calling ``asyncio.run`` would fail.
    """
    if not os.path.exists(CHROMIUM):
        pytest.fail(f"Chromium not found at {CHROMIUM}: install Debian's 'chromium' package (make test does)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        yield browser
        browser.close()
