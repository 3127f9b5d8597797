"""The README's auth_userkey walk-through runs as written against a live demo server."""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest

from tests.harness import ServerFactory

ROOT = Path(__file__).resolve().parent.parent


def _walkthrough() -> str:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    section = readme.split("## Walk-through: log a student in with auth_userkey (curl)", 1)[1]
    return section.split("```sh\n", 1)[1].split("```", 1)[0]


def test_userkey_walkthrough_runs_as_written(live: ServerFactory, tmp_path: Path) -> None:
    if shutil.which("curl") is None:
        pytest.fail("the walk-through uses curl: install Debian's curl (.ci/run does)")
    h = live()
    script = re.sub(r"^BASE=\S+", f"BASE={h.base_url}", _walkthrough(), flags=re.MULTILINE)
    result = subprocess.run(
        ["bash", "-e", "-o", "pipefail", "-c", script],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert re.fullmatch(
        r'\{"loginurl":"'
        + re.escape(h.base_url.replace("/", "\\/"))
        + r'\\/auth\\/userkey\\/login\.php\?key=[0-9a-f]{32}"\}',
        lines[0],
    )
    assert [line.rstrip("\r") for line in lines[1:3]] == [
        "HTTP/1.1 303 See Other",
        f"location: {h.base_url}/course/view.php?id=2",
    ]
    assert re.fullmatch(r"set-cookie: MoodleSession=[\w.-]+; HttpOnly; Path=/\r?", lines[3])
    assert lines[4:] == ['<span class="usertext" id="usertext">Ana Pérez</span>', "404"]


def _provisioning_walkthrough() -> str:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    section = readme.split("## Walk-through: provision a student (curl)", 1)[1]
    return section.split("```sh\n", 1)[1].split("```", 1)[0]


def test_provisioning_walkthrough_runs_as_written(live: ServerFactory, tmp_path: Path) -> None:
    if shutil.which("curl") is None:
        pytest.fail("the walk-through uses curl: install Debian's curl (.ci/run does)")
    h = live()
    script = re.sub(r"^BASE=\S+", f"BASE={h.base_url}", _provisioning_walkthrough(), flags=re.MULTILINE)
    result = subprocess.run(
        ["bash", "-e", "-o", "pipefail", "-c", script],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert re.fullmatch(r'\[\{"id":\d+,"username":"jperez"\}\]', lines[0])
    assert lines[1:] == [
        "jperez Juan Perez",
        "null",
        '<span class="usertext" id="usertext">Juan Perez</span>',
        "SENCE-DEMO None True",
        "null",
        "[]",
    ]
