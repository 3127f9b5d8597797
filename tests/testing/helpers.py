"""Shared helpers of the plugin tests: a demo project for pytester, a mockserver subprocess."""

from __future__ import annotations

import shutil
import socket
import subprocess
import sys
import time
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from pathlib import Path

import httpx
import pytest

ROOT = Path(__file__).resolve().parents[2]
INI = "[pytest]\nfilterwarnings =\n    error\naddopts = -p no:cacheprovider\n"


def demo_project(pytester: pytest.Pytester) -> Path:
    """Copy the demo scenario and its fixtures into the pytester directory, warnings as errors."""
    shutil.copytree(ROOT / "scenarios", pytester.path / "scenarios")
    shutil.copytree(ROOT / "fixtures", pytester.path / "fixtures")
    pytester.makeini(INI)
    return pytester.path


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


@contextmanager
def mockserver_process(
    *args: str, cwd: Path = ROOT, program: Sequence[str] = (), env: Mapping[str, str] | None = None
) -> Iterator[str]:
    """``mockserver serve`` in a subprocess on a free port; yields its URL once ready. ``program`` is
    the command to run (default: this interpreter's ``-m mockserver``; an installed wheel's script)."""
    port = free_port()
    command = [*(program or (sys.executable, "-m", "mockserver")), "serve", "--port", str(port), *args]
    process = subprocess.Popen(command, cwd=cwd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 20
        while True:
            try:
                if httpx.get(url + "/__mock/ready").status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            if process.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"mockserver did not start: {process.stderr.read() if process.stderr else ''}")
            time.sleep(0.05)
        yield url
    finally:
        process.terminate()
        process.communicate(timeout=10)
