"""CLI: ``validate`` on folders, ``journal`` and ``verify`` against a running server."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from mockserver.app import create_app
from mockserver.cli import main
from mockserver.config import ServerConfig
from mockserver.testing.server import ThreadedServer
from tests.harness import DEMO, DEMO_TOKEN, REST

ROOT = Path(__file__).resolve().parents[2]


def test_validate_accepts_folders(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (tmp_path / "a.yaml").write_text("name: a\n", encoding="utf-8")
    (tmp_path / "b.yml").write_text("users:\n  - {username: x, oops: 1}\n", encoding="utf-8")
    (tmp_path / "notes.txt").write_text("not a scenario", encoding="utf-8")
    assert main(["validate", str(tmp_path)]) == 1
    out, err = capsys.readouterr()
    assert out == f"{tmp_path / 'a.yaml'}: ok\n"
    assert err == f"{tmp_path / 'b.yml'}:2: users.0.oops: unknown key (`mockserver schema` lists the valid ones)\n"


def test_validate_the_shipped_scenarios(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["validate", str(ROOT / "scenarios")]) == 0
    assert f"{ROOT / 'scenarios' / 'demo.yaml'}: ok" in capsys.readouterr().out


@pytest.fixture
def running() -> Iterator[str]:
    server = ThreadedServer(create_app(ServerConfig(scenario_path=DEMO, admin_token="tok")))
    yield server.url
    server.stop()


def _login(url: str, username: str) -> None:
    data = {
        "wstoken": DEMO_TOKEN,
        "wsfunction": "auth_userkey_request_login_url",
        "moodlewsrestformat": "json",
        "user[username]": username,
    }
    assert httpx.post(url + REST, data=data).status_code == 200


@pytest.mark.live
def test_journal_and_verify_commands(running: str, capsys: pytest.CaptureFixture[str]) -> None:
    _login(running, "alumno1")
    _login(running, "alumno2")
    common = ["--url", running, "--admin-token", "tok"]
    assert main(["journal", *common]) == 0
    out = capsys.readouterr().out
    assert out == (
        "# tenant default: 2 shown, 2 recorded, 0 dropped\n"
        "#1 POST /webservice/rest/server.php auth_userkey_request_login_url user=alumno1 -> 200\n"
        "#2 POST /webservice/rest/server.php auth_userkey_request_login_url user=alumno2 -> 200\n"
    )
    assert main(["journal", *common, "--param", "user[username]=alumno2", "--json"]) == 0
    assert '"user": "alumno2"' in capsys.readouterr().out
    ok = ["verify", *common, "--wsfunction", "auth_userkey_request_login_url", "--user", "alumno1", "--count", "1"]
    assert main(ok) == 0
    assert capsys.readouterr().out.startswith("expected exactly 1 request(s)")
    wrong = ["verify", *common, "--wsfunction", "auth_userkey_request_login_url", "--user", "docente1", "--count", "1"]
    assert main(wrong) == 1
    err = capsys.readouterr().err
    assert "found 0 requests." in err and "nearest requests:" in err
    assert main(["verify", *common, "--path", "/login/*", "--at-most", "0"]) == 0
    assert main(["verify", *common, "--since", "not-a-time"]) == 2


@pytest.mark.live
def test_commands_report_refusals_and_unreachable_servers(running: str, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["journal", "--url", running, "--admin-token", "wrong"]) == 2
    assert "admin API answered 401" in capsys.readouterr().err
    assert main(["verify", "--url", running, "--admin-token", "tok", "--tenant", "nope"]) == 2
    assert "no tenant named 'nope'" in capsys.readouterr().err
    assert main(["journal", "--url", "http://127.0.0.1:9"]) == 2
    assert "mockserver journal:" in capsys.readouterr().err
