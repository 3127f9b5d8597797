"""The CLI as a user meets it: --version, `python -m`, help with defaults, a taken port, client
commands naming the URL they tried, the access log (off with --quiet), a banner without secrets."""

from __future__ import annotations

import io
import os
import queue
import re
import socket
import subprocess
import sys
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import anyio
import httpx
import pytest

from mockserver import __version__
from mockserver.accesslog import AccessLog
from mockserver.app import create_app
from mockserver.cli import main
from mockserver.config import ServerConfig
from tests.harness import DEMO, DEMO_TOKEN, REST
from tests.testing.helpers import free_port

ROOT = Path(__file__).resolve().parents[2]
SECRETS = [
    DEMO_TOKEN,
    "0f1e2d3c4b5a69788796a5b4c3d2e1f0",
    "5EEBF607-25A9-4DB2-A4DD-5D31BDAE3220",
    "Admin1234!",
    "Alumno1234!",
    "Docente1234!",
]


def _env() -> dict[str, str]:
    return {k: v for k, v in os.environ.items() if k not in ("HOST", "PORT", "MOCKSERVER_URL")}


def _module(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "mockserver", *args], capture_output=True, text=True, timeout=60, env=_env(), check=False
    )


def test_version(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as done:
        main(["--version"])
    assert done.value.code == 0
    assert capsys.readouterr().out == f"mockserver {__version__}\n"


def test_python_m_works_like_the_command() -> None:
    result = _module("--version")
    assert (result.returncode, result.stdout, result.stderr) == (0, f"mockserver {__version__}\n", "")
    bare = _module()
    assert bare.returncode == 2
    assert bare.stderr.startswith("usage: mockserver [-h] [--version]")


def test_help_shows_defaults(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit):
        main(["serve", "--help"])
    text = " ".join(capsys.readouterr().out.split())
    for shown in ("(default: demo)", "(default: 1000)", "(default: warning)", "(default: 127.0.0.1)"):
        assert shown in text
    assert "(default: None)" not in text and "(default: False)" not in text


@contextmanager
def _taken() -> Iterator[int]:
    with socket.socket() as holder:
        holder.bind(("127.0.0.1", 0))
        holder.listen()
        yield holder.getsockname()[1]


@pytest.mark.parametrize("option", ["--port", "--sence-port", "--drupal-port"])
def test_a_taken_port_is_reported_once_before_any_banner(option: str) -> None:
    with _taken() as port:
        args = ["serve", "--host", "127.0.0.1", option, str(port)]
        if option != "--port":
            args += ["--port", str(free_port())]
        result = _module(*args)
    assert result.returncode == 1
    assert result.stdout == ""
    assert result.stderr == (
        f"mockserver: cannot listen on 127.0.0.1:{port}: the port is already in use "
        "(another mockserver or service is running there; choose another with --port)\n"
    )


@pytest.mark.parametrize("command", [["journal"], ["verify", "--wsfunction", "x"]])
def test_client_commands_name_the_url_they_tried(command: list[str], capsys: pytest.CaptureFixture[str]) -> None:
    url = f"http://127.0.0.1:{free_port()}"  # nothing listens there
    assert main([*command, "--url", url]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1
    assert err.startswith(f"mockserver {command[0]}: cannot reach the mock server at {url}: ")
    assert "Connection refused" in err


def test_access_log_line_masks_secrets() -> None:
    out = io.StringIO()
    app = AccessLog(create_app(ServerConfig(scenario_path=DEMO)), out, clock=lambda: 0.0)

    async def requests() -> None:
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://127.0.0.1:8000") as client:
            await client.get(REST, params={"wstoken": DEMO_TOKEN, "wsfunction": "core_webservice_get_site_info"})
            await client.get("/login/index.php")

    # In a thread of its own: a session's Playwright (browser tests) may run a loop in this one.
    runner = threading.Thread(target=anyio.run, args=(requests,))
    runner.start()
    runner.join(timeout=60)
    lines = out.getvalue().splitlines()
    assert len(lines) == 2
    assert re.fullmatch(
        r"\d\d:\d\d:\d\d 127\.0\.0\.1 GET /webservice/rest/server\.php\?wstoken=d1c2…8f90"
        r"&wsfunction=core_webservice_get_site_info 200 \d+\.\dms",
        lines[0],
    ), lines[0]
    assert re.fullmatch(r"\d\d:\d\d:\d\d 127\.0\.0\.1 GET /login/index\.php 200 \d+\.\dms", lines[1]), lines[1]


@contextmanager
def _serve(*args: str) -> Iterator[tuple[str, queue.Queue[str]]]:
    """`python -m mockserver serve` with stdout read line by line into a queue."""
    port = free_port()
    process = subprocess.Popen(
        [sys.executable, "-m", "mockserver", "serve", "--port", str(port), *args],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        env=_env(),
    )
    lines: queue.Queue[str] = queue.Queue()

    def pump() -> None:
        assert process.stdout is not None
        for line in process.stdout:
            lines.put(line.rstrip("\n"))
        lines.put("<eof>")

    reader = threading.Thread(target=pump, daemon=True)
    reader.start()
    try:
        yield f"http://127.0.0.1:{port}", lines
    finally:
        process.terminate()
        process.wait(timeout=10)
        reader.join(timeout=10)
        if process.stdout is not None:
            process.stdout.close()


def _until(lines: queue.Queue[str], prefix: str) -> list[str]:
    seen = []
    while True:
        line = lines.get(timeout=30)
        seen.append(line)
        if line.strip().startswith(prefix) or line == "<eof>":
            return seen


@pytest.mark.live
def test_banner_without_secrets_then_one_line_per_request() -> None:
    with _serve("--admin-token", "s3cr3t-admin-token-value") as (url, lines):
        banner = _until(lines, "REST endpoint:")
        assert banner[0] == f"mockserver: serving {ROOT / 'scenarios' / 'demo.yaml'} on {url}"
        assert banner[-1] == f"  REST endpoint: {url}{REST}"
        text = "\n".join(banner)
        for secret in [*SECRETS, "s3cr3t-admin-token-value"]:
            assert secret not in text
        assert "d1c2…8f90" in text
        assert httpx.get(url + "/__mock/ready").status_code == 200  # a health probe: not logged
        httpx.post(url + REST, data={"wstoken": DEMO_TOKEN, "wsfunction": "core_webservice_get_site_info"})
        httpx.get(url + "/__mock/tenants")
        logged = [lines.get(timeout=30), lines.get(timeout=30)]
    assert re.fullmatch(r"\d\d:\d\d:\d\d 127\.0\.0\.1 POST /webservice/rest/server\.php 200 \d+\.\dms", logged[0])
    assert re.fullmatch(r"\d\d:\d\d:\d\d 127\.0\.0\.1 GET /__mock/tenants 401 \d+\.\dms", logged[1]), logged


@pytest.mark.live
def test_quiet_serves_without_request_lines() -> None:
    with _serve("--quiet") as (url, lines):
        _until(lines, "REST endpoint:")
        for _ in range(3):
            assert httpx.get(url + "/__mock/tenants").status_code == 200
    remaining = []
    while True:
        line = lines.get(timeout=30)
        if line == "<eof>":
            break
        remaining.append(line)
    assert not any(" GET /__mock/tenants " in line for line in remaining), remaining


def test_access_log_query_masking() -> None:
    from mockserver.accesslog import mask_query

    query = (
        "key=5d1f0000000000000000000000000e2a&wantsurl=http%3A%2F%2Fx%2F%3Fwstoken%3D"
        + DEMO_TOKEN
        + "&password=x&a=b%20c"
    )
    assert mask_query(query) == "key=5d1f…0e2a&wantsurl=http://x/?wstoken=d1c2…8f90&password=********&a=b%20c"
