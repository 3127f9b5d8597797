"""The container image (``make image-test``; .ci/run runs it after ``make test``): built from the
Dockerfile on a local base (``.ci/docker-base``: no registry is reachable), run with the host's
network on a free port, it serves the demo (the README's first curl), a mounted scenario, as a
non-root user, and reports healthy."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx
import pytest

from tests.readme import walkthrough
from tests.testing.helpers import free_port

pytestmark = pytest.mark.image

ROOT = Path(__file__).resolve().parents[2]
IMAGE = os.environ.get("MOCKSERVER_IMAGE", "moodle-sence-mock:test")
BASE = os.environ.get("MOCKSERVER_DOCKER_BASE", "mockserver-base:bookworm")


def _docker(*args: str, timeout: float = 60) -> str:
    result = subprocess.run(["docker", *args], capture_output=True, text=True, timeout=timeout, check=False)
    assert result.returncode == 0, f"docker {' '.join(args)}: {result.stderr}"
    return result.stdout


@pytest.fixture(scope="module")
def image() -> str:
    _docker("build", "-q", "--network", "host", "--build-arg", f"BASE={BASE}", "-t", IMAGE, str(ROOT), timeout=900)
    return IMAGE


def _wait(check: Callable[[], bool], what: str, seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if check():
            return
        time.sleep(0.2)
    pytest.fail(f"{what}: not reached in {seconds}s")


def _ready(url: str) -> bool:
    try:
        return httpx.get(url + "/__mock/ready").status_code == 200
    except httpx.HTTPError:
        return False


@contextmanager
def _container(image: str, *args: str) -> Iterator[tuple[str, str]]:
    """The image run with the host's network on a free port; yields (container id, base URL)."""
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    env = ["-e", f"PORT={port}", "-e", f"MOCKSERVER_PUBLIC_URL={url}"]
    container = _docker("run", "-d", "--network", "host", *env, *args, image).strip()
    try:
        _wait(lambda: _ready(url), f"container {container[:12]} serving on {url}")
        yield container, url
    finally:
        subprocess.run(["docker", "rm", "-f", container], capture_output=True, timeout=60, check=False)


def _first_curl() -> str:
    script = walkthrough("## Walk-through: log a student in with auth_userkey (curl)")
    return script[: script.index("; echo\n") + len("; echo\n")]


def test_demo_answers_the_readmes_first_curl(image: str) -> None:
    with _container(image) as (container, url):
        script = re.sub(r"^BASE=\S+", f"BASE={url}", _first_curl(), flags=re.MULTILINE)
        result = subprocess.run(["bash", "-e", "-c", script], capture_output=True, text=True, timeout=60, check=False)
        assert result.returncode == 0, result.stderr
        assert re.fullmatch(
            r'\{"loginurl":"'
            + re.escape(url.replace("/", "\\/"))
            + r'\\/auth\\/userkey\\/login\.php\?key=[0-9a-f]{32}"\}\n',
            result.stdout,
        ), result.stdout
        assert _docker("exec", container, "id", "-u").strip() == "10001"
        assert httpx.get(url + "/__mock/tenants/default").json()["scenario"] == "demo"
        _wait(
            lambda: _docker("inspect", "-f", "{{.State.Health.Status}}", container).strip() == "healthy",
            "Docker's health check",
        )
        logs = subprocess.run(["docker", "logs", container], capture_output=True, text=True, check=False)
        assert logs.stdout.startswith("mockserver: serving /opt/mockserver/lib/python3")
        assert f"/site-packages/mockserver/_worlds/scenarios/demo.yaml on {url}\n" in logs.stdout
        assert " POST /webservice/rest/server.php 200 " in logs.stdout


def test_a_mounted_scenario(image: str, tmp_path: Path) -> None:
    world = tmp_path / "world"
    subprocess.run(
        [sys.executable, "-m", "mockserver", "init", str(world)], check=True, capture_output=True, cwd=ROOT, timeout=60
    )
    world.chmod(0o755)
    mount = ["-v", f"{world}:/world:ro", "-e", "MOCKSERVER_SCENARIO=/world/scenarios/starter.yaml"]
    with _container(image, *mount) as (_, url):
        info = httpx.get(url + "/__mock/tenants/default").json()
    assert info["scenario"] == "starter"


def test_image_is_small(image: str) -> None:
    sizes = json.loads(_docker("image", "inspect", "-f", "{{json .Size}}", image))
    base = json.loads(_docker("image", "inspect", "-f", "{{json .Size}}", BASE))
    assert sizes - base < 60_000_000  # the server and its dependencies on top of the Python base
