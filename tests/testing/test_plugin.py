"""The pytest plugin, run inside pytester: fixtures, markers, options, failure reports, laziness."""

from __future__ import annotations

import pytest

from mockserver.app import create_app
from mockserver.config import ServerConfig
from mockserver.testing.server import ThreadedServer
from tests.testing.helpers import ROOT, demo_project

LOGIN = """
import httpx

TOKEN = "d1c2b3a4e5f60718293a4b5c6d7e8f90"


def login_url(tenant, username):
    data = {"wstoken": TOKEN, "wsfunction": "auth_userkey_request_login_url",
            "moodlewsrestformat": "json", "user[username]": username}
    return httpx.post(tenant.url("/webservice/rest/server.php"), data=data).json()["loginurl"]
"""


def test_marker_gives_each_test_a_fresh_tenant(pytester: pytest.Pytester) -> None:
    demo_project(pytester)
    pytester.makepyfile(
        test_fresh=LOGIN
        + """
import pytest

pytestmark = pytest.mark.scenario("scenarios/demo.yaml")
SEEN = []


@pytest.mark.parametrize("run", [1, 2])
def test_login(mockserver_tenant, run):
    assert mockserver_tenant.login_keys() == []  # nothing left over from the other run
    assert mockserver_tenant.journal() == []
    url = login_url(mockserver_tenant, "alumno1")
    assert url.startswith(mockserver_tenant.wwwroot + "/auth/userkey/login.php?key=")
    assert mockserver_tenant.wwwroot.startswith("http://127.0.0.1:")
    assert "/t/test_login-1-" in mockserver_tenant.wwwroot or "/t/test_login-2-" in mockserver_tenant.wwwroot
    mockserver_tenant.assert_login_url_requested("alumno1")
    SEEN.append(mockserver_tenant.name)


def test_tenants_were_removed(mockserver_admin):
    assert len(set(SEEN)) == 2
    assert [t["name"] for t in mockserver_admin.tenants()] == ["default"]
"""
    )
    result = pytester.runpytest_subprocess("-v")
    result.assert_outcomes(passed=3)


def test_scenario_fixture_option_and_default(pytester: pytest.Pytester) -> None:
    demo_project(pytester)
    (pytester.path / "scenarios" / "tiny.yaml").write_text("name: tiny\nusers:\n  - {username: solo}\n")
    sub = pytester.mkpydir("sub")
    (sub / "conftest.py").write_text(
        """
import pytest

@pytest.fixture
def mockserver_scenario():
    return "scenarios/tiny.yaml"
"""
    )
    (sub / "test_choice.py").write_text(
        """
import pytest

def test_fixture_override(mockserver_tenant):
    assert mockserver_tenant.info["scenario"] == "tiny"

@pytest.mark.scenario("scenarios/demo.yaml")
def test_marker_wins(mockserver_tenant):
    assert mockserver_tenant.info["scenario"] == "demo"
"""
    )
    pytester.makepyfile(
        test_indirect="""
import pytest

@pytest.mark.parametrize("mockserver_scenario", ["scenarios/tiny.yaml", "scenarios/demo.yaml"], indirect=True)
def test_indirect(mockserver_tenant, mockserver_scenario):
    assert mockserver_tenant.info["scenario"] == mockserver_scenario.split("/")[1][:-5]

def test_no_choice_copies_the_server_world(mockserver_tenant):
    assert mockserver_tenant.info["scenario"] == ""
"""
    )
    pytester.runpytest_subprocess().assert_outcomes(passed=5)


def test_server_scenario_option(pytester: pytest.Pytester) -> None:
    demo_project(pytester)
    pytester.makepyfile(
        test_default="""
def test_copy_of_the_server_scenario(mockserver_server, mockserver_tenant, mockserver_admin):
    assert mockserver_server.owned
    assert mockserver_tenant.info["scenario"] == "demo"
    assert mockserver_admin.tenant("default").info["scenario"] == "demo"
"""
    )
    pytester.runpytest_subprocess("--mockserver-scenario", "scenarios/demo.yaml").assert_outcomes(passed=1)


def test_failure_report_shows_journal_and_nearest(pytester: pytest.Pytester) -> None:
    demo_project(pytester)
    pytester.makepyfile(
        test_fails=LOGIN
        + """
import pytest

@pytest.mark.scenario("scenarios/demo.yaml")
def test_wrong_student(mockserver_tenant):
    login_url(mockserver_tenant, "alumno2")
    mockserver_tenant.assert_login_url_requested("alumno1")
"""
    )
    result = pytester.runpytest_subprocess()
    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines(
        [
            "E *AssertionError: mockserver tenant 'test_wrong_student-*': expected exactly 1 request(s) matching "
            "{wsfunction='auth_userkey_request_login_url', user='alumno1'}, found 0 requests.",
            "E *nearest requests:",
            "E *#1 POST /webservice/rest/server.php auth_userkey_request_login_url user=alumno2 -> 200  "
            "differs: user: expected 'alumno1', got 'alumno2' (acting as 'admin')",
            "*- mockserver journal (tenant test_wrong_student-*) -*",
            "# tenant test_wrong_student-*: 1 shown, 1 recorded, 0 dropped",
            "#1 POST /webservice/rest/server.php auth_userkey_request_login_url user=alumno2 -> 200",
        ]
    )
    # the helpers hide their own frames
    assert "asserts.py" not in result.stdout.str()


def test_keep_tenants_and_factory(pytester: pytest.Pytester) -> None:
    demo_project(pytester)
    pytester.makepyfile(
        test_keep="""
from pathlib import Path

def test_two_tenants(mockserver_tenant_factory):
    a = mockserver_tenant_factory(Path("scenarios/demo.yaml"), name="keep-a")
    b = mockserver_tenant_factory("scenarios/demo.yaml")
    assert a.name == "keep-a" and b.name != a.name

def test_still_there(mockserver_admin):
    assert "keep-a" in [t["name"] for t in mockserver_admin.tenants()]
"""
    )
    pytester.runpytest_subprocess("--mockserver-keep-tenants").assert_outcomes(passed=2)


def test_server_starts_only_when_used(pytester: pytest.Pytester) -> None:
    pytester.makeini("[pytest]\nfilterwarnings =\n    error\n")
    pytester.makepyfile(
        test_lazy="""
import threading

def test_plain():
    assert "mockserver" not in [t.name for t in threading.enumerate()]
"""
    )
    result = pytester.runpytest_subprocess("--fixtures")
    result.stdout.fnmatch_lines(["mockserver_tenant*", "*A fresh, isolated tenant*"])
    pytester.runpytest_subprocess().assert_outcomes(passed=1)


def test_external_server_with_token(pytester: pytest.Pytester) -> None:
    demo_project(pytester)
    app = create_app(ServerConfig(scenario_path=ROOT / "scenarios" / "demo.yaml", admin_token="t0k"))
    server = ThreadedServer(app)
    try:
        pytester.makepyfile(
            test_external=f"""
def test_uses_it(mockserver_server, mockserver_tenant):
    assert not mockserver_server.owned
    assert mockserver_server.url == "{server.url}"
    assert mockserver_tenant.wwwroot.startswith("{server.url}/t/")
"""
        )
        result = pytester.runpytest_subprocess("--mockserver-url", server.url, "--mockserver-admin-token", "t0k")
        result.assert_outcomes(passed=1)
        refused = pytester.runpytest_subprocess("--mockserver-url", server.url, "--mockserver-admin-token", "wrong")
        refused.assert_outcomes(errors=1)
        refused.stdout.fnmatch_lines(["*admin API answered 401*"])
        assert [t.name for t in app.tenants.all()] == ["default"]
        gone = pytester.runpytest_subprocess("--mockserver-url", "http://127.0.0.1:9")
        gone.assert_outcomes(errors=1)
        gone.stdout.fnmatch_lines(["*no mock server answers at http://127.0.0.1:9*"])
    finally:
        server.stop()
