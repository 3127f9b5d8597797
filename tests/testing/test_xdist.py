"""Done-criterion: two pytest-xdist workers run the same test file against one server, isolated."""

from __future__ import annotations

import httpx
import pytest

from tests.testing.helpers import demo_project, mockserver_process

ISOLATION = '''
import os
import time
from pathlib import Path

import httpx
import pytest

TOKEN = "d1c2b3a4e5f60718293a4b5c6d7e8f90"
LOG = Path(__file__).parent / "runs"
WORKER = os.environ.get("PYTEST_XDIST_WORKER", "main")


def rendezvous():
    """Wait (once per worker) until the other worker is running too, so the tests really overlap."""
    LOG.mkdir(exist_ok=True)
    (LOG / f"started-{WORKER}").touch()
    deadline = time.monotonic() + 30
    while len(list(LOG.glob("started-*"))) < 2 and time.monotonic() < deadline:
        time.sleep(0.02)


@pytest.mark.scenario("scenarios/demo.yaml")
@pytest.mark.parametrize("n", range(8))
def test_isolated_world(mockserver_tenant, n):
    rendezvous()
    tenant = mockserver_tenant
    student = ["alumno1", "alumno2"][n % 2]
    tenant.set_clock(1900000000 + n * 1000, frozen=True)
    reply = httpx.post(tenant.url("/webservice/rest/server.php"), data={
        "wstoken": TOKEN, "wsfunction": "auth_userkey_request_login_url",
        "moodlewsrestformat": "json", "user[username]": student})
    url = reply.json()["loginurl"]
    assert url.startswith(tenant.wwwroot + "/auth/userkey/login.php?key=")
    time.sleep(0.2)  # let the other worker's tests run meanwhile
    # only this test's key, journal and clock are visible
    assert [(k["user"], k["validuntil"]) for k in tenant.login_keys()] == [(student, 1900000000 + n * 1000 + 60)]
    tenant.assert_login_url_requested(student, times=1)
    tenant.assert_called(count=1)
    assert tenant.clock()["time"] == 1900000000 + n * 1000
    assert httpx.get(url, follow_redirects=False).status_code == 303
    tenant.assert_called(path="/auth/userkey/login.php", user=student, count=1)
    (LOG / f"done-{WORKER}-{n}-{tenant.name}").touch()
'''


@pytest.mark.live
def test_two_workers_share_one_server_without_interfering(pytester: pytest.Pytester) -> None:
    project = demo_project(pytester)
    pytester.makepyfile(test_isolation=ISOLATION)
    with mockserver_process("--scenario", str(project / "scenarios" / "demo.yaml")) as url:
        result = pytester.runpytest_subprocess("-n", "2", "--mockserver-url", url, timeout=120)
        result.assert_outcomes(passed=8)
        tenants = httpx.get(url + "/__mock/tenants").json()["tenants"]
        default_journal = httpx.get(url + "/__mock/tenants/default/journal").json()
    done = sorted(p.name for p in (project / "runs").glob("done-*"))
    assert len(done) == 8
    workers = {name.split("-")[1] for name in done}
    assert workers == {"gw0", "gw1"}
    assert len({name.split("-", 3)[3] for name in done}) == 8  # eight different tenants
    assert [t["name"] for t in tenants] == ["default"]  # all removed afterwards
    assert default_journal["total"] == 0  # nobody touched the shared default world
