"""README walk-throughs as tests: the ``sh`` block under a heading, run by bash against a live server."""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


def walkthrough(heading: str) -> str:
    """The first ``sh`` block after ``heading`` in README.md."""
    section = (ROOT / "README.md").read_text(encoding="utf-8").split(heading, 1)[1]
    return section.split("```sh\n", 1)[1].split("```", 1)[0]


def run_walkthrough(script: str, base_url: str, cwd: Path) -> list[str]:
    """``script`` with its ``BASE=`` pointed at ``base_url``, run as the README reader would (bash -e,
    pipefail, curl); its output lines. Fails, never skips, without curl."""
    if shutil.which("curl") is None:
        pytest.fail("the walk-through uses curl: install Debian's curl (.ci/run does)")
    pointed = re.sub(r"^BASE=\S+", f"BASE={base_url}", script, flags=re.MULTILINE)
    result = subprocess.run(
        ["bash", "-e", "-o", "pipefail", "-c", pointed],
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    return result.stdout.splitlines()
