"""The issue's "Done when": the README's local_eduauth walk-through runs as written by curl against
a live demo server (login.php -> Moodle's login form -> login.php -> act=getuser once -> myData)."""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest

from tests.harness import ServerFactory

ROOT = Path(__file__).resolve().parents[4]
HEADING = "## Walk-through: an app logs in with local_eduauth (curl)"


def _walkthrough() -> str:
    section = (ROOT / "README.md").read_text(encoding="utf-8").split(HEADING, 1)[1]
    return section.split("```sh\n", 1)[1].split("```", 1)[0]


def _expected(script: str, base: str) -> list[str]:
    """The ``# ...`` lines right after each command: what the README promises, for this server."""
    # Step titles ("# 1. ...") and their indented continuations are prose, not output.
    promised = [line[2:] for line in script.splitlines() if re.match(r"# [^\d\s]", line)]
    escaped = base.replace("/", "\\/")
    return [
        line.replace("http://127.0.0.1:8000", base).replace("http:\\/\\/127.0.0.1:8000", escaped) for line in promised
    ]


def test_eduauth_walkthrough_runs_as_written(live: ServerFactory, tmp_path: Path) -> None:
    if shutil.which("curl") is None:
        pytest.fail("the walk-through uses curl: install Debian's curl (.ci/run does)")
    h = live()
    text = _walkthrough()
    script = re.sub(r"^BASE=\S+", f"BASE={h.base_url}", text, flags=re.MULTILINE)
    result = subprocess.run(
        ["bash", "-e", "-o", "pipefail", "-c", script],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    lines = [line.rstrip("\r") for line in result.stdout.splitlines()]
    assert lines == _expected(text, h.base_url)
