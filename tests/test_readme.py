"""The README's auth_userkey walk-through runs as written against a live demo server."""

from __future__ import annotations

import re
from pathlib import Path

from tests.harness import ServerFactory
from tests.readme import run_walkthrough, walkthrough


def test_userkey_walkthrough_runs_as_written(live: ServerFactory, tmp_path: Path) -> None:
    h = live()
    lines = run_walkthrough(
        walkthrough("## Walk-through: log a student in with auth_userkey (curl)"), h.base_url, tmp_path
    )
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


def test_provisioning_walkthrough_runs_as_written(live: ServerFactory, tmp_path: Path) -> None:
    h = live()
    lines = run_walkthrough(walkthrough("## Walk-through: provision a student (curl)"), h.base_url, tmp_path)
    assert re.fullmatch(r'\[\{"id":\d+,"username":"jperez"\}\]', lines[0])
    assert lines[1:] == [
        "jperez Juan Perez",
        "null",
        '<span class="usertext" id="usertext">Juan Perez</span>',
        "SENCE-DEMO None True",
        "null",
        "[]",
    ]
