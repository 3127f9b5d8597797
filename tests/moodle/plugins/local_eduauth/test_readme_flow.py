"""The issue's "Done when": the README's local_eduauth walk-through runs as written by curl against
a live demo server (login.php -> Moodle's login form -> login.php -> act=getuser once -> myData)."""

from __future__ import annotations

import re
from pathlib import Path

from tests.harness import ServerFactory
from tests.readme import run_walkthrough, walkthrough

HEADING = "## Walk-through: an app logs in with local_eduauth (curl)"


def _expected(script: str, base: str) -> list[str]:
    """The ``# ...`` lines right after each command: what the README promises, for this server."""
    # Step titles ("# 1. ...") and their indented continuations are prose, not output.
    promised = [line[2:] for line in script.splitlines() if re.match(r"# [^\d\s]", line)]
    escaped = base.replace("/", "\\/")
    return [
        line.replace("http://127.0.0.1:8000", base).replace("http:\\/\\/127.0.0.1:8000", escaped) for line in promised
    ]


def test_eduauth_walkthrough_runs_as_written(live: ServerFactory, tmp_path: Path) -> None:
    h = live()
    text = walkthrough(HEADING)
    output = run_walkthrough(text, h.base_url, tmp_path)
    lines = [line.rstrip("\r") for line in output]
    assert lines == _expected(text, h.base_url)
