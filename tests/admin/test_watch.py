"""Live reload: a changed scenario or fixture file reloads its tenants; a broken edit keeps the last good world."""

from __future__ import annotations

import io
import os
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest

from mockserver.admin.watch import Watcher
from mockserver.app import create_app
from mockserver.config import ServerConfig

SCENARIO = "name: watched\nfixtures: [people.yaml]\nusers:\n  - {username: first}\n"


def write(path: Path, text: str) -> None:
    path.write_text(text, encoding="utf-8")
    stamp = time.time_ns() + 1_000_000_000
    os.utime(path, ns=(stamp, stamp))  # a later mtime even on coarse file systems


def usernames(app: object) -> list[str]:
    tenant = app.tenants.default  # type: ignore[attr-defined]
    return [u.username for u in tenant.store.users()]


@pytest.fixture
def world(tmp_path: Path) -> Path:
    (tmp_path / "people.yaml").write_text("users:\n  - {username: fixture1}\n", encoding="utf-8")
    scenario = tmp_path / "scenario.yaml"
    scenario.write_text(SCENARIO, encoding="utf-8")
    return scenario


def test_reload_on_scenario_and_fixture_change(world: Path) -> None:
    app = create_app(ServerConfig(scenario_path=world))
    log = io.StringIO()
    watcher = Watcher(app.admin, log)
    assert watcher.check() == []  # first round: remember the files
    assert usernames(app) == ["guest", "fixture1", "first"]
    write(world, SCENARIO.replace("first", "second"))
    assert watcher.check() == ["default"]
    assert usernames(app) == ["guest", "fixture1", "second"]
    write(world.parent / "people.yaml", "users:\n  - {username: fixture2}\n")
    assert watcher.check() == ["default"]
    assert usernames(app) == ["guest", "fixture2", "second"]
    assert watcher.check() == []
    assert "reloaded tenant 'default' from" in log.getvalue()


def test_broken_edit_keeps_the_last_good_world(world: Path) -> None:
    app = create_app(ServerConfig(scenario_path=world))
    log = io.StringIO()
    watcher = Watcher(app.admin, log)
    watcher.check()
    write(world, SCENARIO + "  - {username: broken, surprise: 1}\n")
    assert watcher.check() == ["default"]
    assert usernames(app) == ["guest", "fixture1", "first"]
    runtime = app.admin.runtime(app.tenants.default)
    assert runtime.reload_error is not None and "users.1.surprise: unknown key" in runtime.reload_error
    assert "keeping the last good world" in log.getvalue()
    write(world, SCENARIO.replace("first", "fixed"))
    assert watcher.check() == ["default"]
    assert usernames(app) == ["guest", "fixture1", "fixed"] and runtime.reload_error is None


def test_journal_survives_reload(world: Path) -> None:
    app = create_app(ServerConfig(scenario_path=world))
    watcher = Watcher(app.admin, io.StringIO())
    watcher.check()
    runtime = app.admin.runtime(app.tenants.default)
    runtime.journal.total = 7  # stands for recorded requests
    write(world, SCENARIO.replace("first", "again"))
    watcher.check()
    assert runtime.journal.total == 7 and runtime.reloads == 1


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def _wait(predicate: object, timeout: float = 15) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            if predicate():  # type: ignore[operator]
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.1)
    raise AssertionError("condition not reached in time")


@pytest.mark.live
def test_serve_watch_end_to_end(world: Path) -> None:
    port = _free_port()
    command = [sys.executable, "-m", "mockserver", "serve", "--scenario", str(world), "--port", str(port), "--watch"]
    process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    base = f"http://127.0.0.1:{port}/__mock"
    try:
        _wait(lambda: httpx.get(base + "/ready").status_code == 200)

        def users() -> list[str]:
            return [u["username"] for u in httpx.get(base + "/tenants/default/world").json()["users"]]

        assert users() == ["guest", "fixture1", "first"]
        write(world, SCENARIO.replace("first", "edited"))
        _wait(lambda: users() == ["guest", "fixture1", "edited"])
        write(world, "users: [")
        _wait(lambda: httpx.get(base + "/ready").json()["reload_errors"] != {})
        assert "not valid YAML" in httpx.get(base + "/ready").json()["reload_errors"]["default"]
        assert users() == ["guest", "fixture1", "edited"]
    finally:
        process.terminate()
        _, stderr = process.communicate(timeout=10)
    assert "reload of tenant 'default' failed, keeping the last good world" in stderr
