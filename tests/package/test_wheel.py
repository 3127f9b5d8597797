"""A new user's first run: a wheel built from a clean copy of the project, installed in a fresh venv,
run from an empty directory (no repository around it) serves the shipped worlds."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import zipfile
from contextlib import AbstractContextManager
from pathlib import Path

import httpx
import pytest

from mockserver import __version__
from tests.harness import DEMO_TOKEN, REST
from tests.testing.helpers import mockserver_process

ROOT = Path(__file__).resolve().parents[2]


def _clean_copy(target: Path) -> Path:
    """The tracked and new (not ignored) files of the checkout: no .venv, build/ or egg-info."""
    listed = subprocess.run(
        ["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"],
        cwd=ROOT,
        capture_output=True,
        check=True,
    ).stdout.split(b"\0")
    for name in filter(None, (entry.decode() for entry in listed)):
        source = ROOT / name
        if source.is_file():  # deleted but still in the index: skip
            (target / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, target / name)
    return target


@pytest.fixture(scope="module")
def installed(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The ``bin`` folder of a fresh venv holding only the built wheel and its dependencies."""
    base = tmp_path_factory.mktemp("wheel")
    source = _clean_copy(base / "src")
    dist = base / "dist"
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "-q", "--no-deps", "-w", str(dist), str(source)],
        check=True,
        capture_output=True,
    )
    (wheel,) = dist.glob("*.whl")
    names = zipfile.ZipFile(wheel).namelist()
    assert "mockserver/_worlds/scenarios/demo.yaml" in names
    assert "mockserver/_worlds/fixtures/demo-users.yaml" in names
    venv = base / "venv"
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
    subprocess.run([str(venv / "bin" / "python"), "-m", "pip", "install", "-q", str(wheel)], check=True)
    return venv / "bin"


def _run(bin_dir: Path, cwd: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(bin_dir / "mockserver"), *args], cwd=cwd, capture_output=True, text=True, timeout=60, check=False
    )


def _serving(bin_dir: Path, cwd: Path, *args: str) -> AbstractContextManager[str]:
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "HOST", "PORT")}
    return mockserver_process(*args, cwd=cwd, program=[str(bin_dir / "mockserver")], env=env)


def test_version(installed: Path, tmp_path: Path) -> None:
    result = _run(installed, tmp_path, "--version")
    assert (result.returncode, result.stdout) == (0, f"mockserver {__version__}\n")


def test_serve_without_arguments_serves_the_demo(installed: Path, tmp_path: Path) -> None:
    with _serving(installed, tmp_path) as url:
        # the README's first curl
        data = {
            "wstoken": DEMO_TOKEN,
            "wsfunction": "auth_userkey_request_login_url",
            "moodlewsrestformat": "json",
            "user[username]": "alumno1",
        }
        answer = httpx.post(url + REST, data=data).json()
    assert answer["loginurl"].startswith(f"{url}/auth/userkey/login.php?key=")
    assert list(tmp_path.iterdir()) == []


def test_serve_a_shipped_scenario_by_name(installed: Path, tmp_path: Path) -> None:
    with _serving(installed, tmp_path, "--scenario", "sence-success") as url:
        info = httpx.get(url + "/__mock/tenants/default").json()
    assert info["scenario"] == "sence-success"


def test_scenarios_and_init_from_the_wheel(installed: Path, tmp_path: Path) -> None:
    listing = _run(installed, tmp_path, "scenarios", "--paths")
    assert listing.returncode == 0
    paths = [Path(line) for line in listing.stdout.splitlines()]
    assert [p.name for p in paths] == sorted(p.name for p in (ROOT / "scenarios").glob("*.yaml"))
    assert all("site-packages" in p.parts and p.is_file() for p in paths)
    assert _run(installed, tmp_path, "init").returncode == 0
    checked = _run(installed, tmp_path, "validate", "scenarios/starter.yaml")
    assert (checked.returncode, checked.stdout, checked.stderr) == (0, "scenarios/starter.yaml: ok\n", "")
    assert json.loads((tmp_path / "scenario.schema.json").read_text(encoding="utf-8"))["title"] == "Scenario"
