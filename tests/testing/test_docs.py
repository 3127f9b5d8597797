"""The usage examples in docs/ run as part of the suite: every block that starts with ``# file:``."""

from __future__ import annotations

import os
import re
import socket
import subprocess
import sys
from pathlib import Path

import pytest

from mockserver.world.loader import load_scenario
from tests.testing.helpers import ROOT, demo_project, free_port

BLOCK = re.compile(r"```(?:python|yaml|bash)\n# file: (?P<name>\S+)\n(?P<body>.*?)```", re.S)


def doc_files(doc: str) -> dict[str, str]:
    text = (ROOT / "docs" / doc).read_text(encoding="utf-8")
    return {m["name"]: m["body"] for m in BLOCK.finditer(text)}


def write(base: Path, files: dict[str, str]) -> None:
    for name, body in files.items():
        path = base / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(body, encoding="utf-8")


def test_the_docs_have_runnable_examples() -> None:
    plugin = doc_files("pytest-plugin.md")
    assert {"tests/integration/test_login.py", "tests/worlds/conftest.py", "scenarios/spanish.yaml"} <= set(plugin)
    assert {"ci.sh", "scenarios/flaky.yaml"} <= set(doc_files("admin.md"))


def test_pytest_plugin_examples(pytester: pytest.Pytester) -> None:
    project = demo_project(pytester)
    write(project, doc_files("pytest-plugin.md"))
    result = pytester.runpytest_subprocess("-v")
    result.assert_outcomes(passed=6)


def test_fault_example_is_a_valid_scenario(tmp_path: Path) -> None:
    write(tmp_path, doc_files("admin.md"))
    (tmp_path / "fixtures").symlink_to(ROOT / "fixtures")
    scenario = load_scenario(tmp_path / "scenarios" / "flaky.yaml").scenario
    assert [f.id for f in scenario.faults] == ["flaky-login-url", "slow-sence"]


@pytest.mark.live
def test_ci_job_example(tmp_path: Path) -> None:
    files = doc_files("admin.md")
    files.update({k: v for k, v in doc_files("pytest-plugin.md").items() if k.startswith("tests/integration/")})
    write(tmp_path, files)
    (tmp_path / "scenarios" / "demo.yaml").write_text((ROOT / "scenarios" / "demo.yaml").read_text("utf-8"), "utf-8")
    (tmp_path / "fixtures").symlink_to(ROOT / "fixtures")
    (tmp_path / "pytest.ini").write_text("[pytest]\nfilterwarnings =\n    error\naddopts = -p no:cacheprovider\n")
    port = free_port()
    env = {
        **os.environ,
        "PORT": str(port),
        "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ.get('PATH', '')}",
    }
    env.pop("MOCKSERVER_URL", None)
    done = subprocess.run(["bash", "ci.sh"], cwd=tmp_path, env=env, capture_output=True, text=True, timeout=180)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "4 passed" in done.stdout
    assert "expected exactly 1 request(s) matching {wsfunction='auth_userkey_request_login_url', user='alumno1'}" in (
        done.stdout
    )
    with pytest.raises(ConnectionRefusedError):  # the job stopped its server
        socket.create_connection(("127.0.0.1", port), timeout=5).close()
