"""docs/sence.md's curl walk-through runs as written against a live demo server."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest

from tests.harness import DEMO, ROOT, ServerFactory

DOC = ROOT / "docs" / "sence.md"


def _walkthrough() -> str:
    text = DOC.read_text(encoding="utf-8")
    block = text.split("<!-- walkthrough:start -->")[1].split("<!-- walkthrough:end -->")[0]
    found = re.search(r"```sh\n(.*?)```", block, re.S)
    assert found
    return found.group(1)


def _normalise(line: str) -> str:
    line = re.sub(r'name="IdSesionSence" value="[0-9]{10}"', 'name="IdSesionSence" value="ID"', line)
    return re.sub(r'name="FechaHora" value="[0-9-]{10} [0-9:]{8}"', 'name="FechaHora" value="FECHA"', line)


def test_walkthrough_runs_as_written(live: ServerFactory, tmp_path: Path) -> None:
    if shutil.which("curl") is None:
        pytest.fail("the walk-through uses curl: install Debian's curl (.ci/run does)")
    h = live(DEMO)
    script = _walkthrough()
    expected = [line[2:] for line in script.splitlines() if re.match(r"# (<form|name=|\[\()", line)]
    result = subprocess.run(
        ["bash", "-e", "-c", script],
        cwd=tmp_path,
        env={**os.environ, "BASE": h.base_url},
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert [_normalise(line) for line in result.stdout.splitlines()] == [_normalise(line) for line in expected]
