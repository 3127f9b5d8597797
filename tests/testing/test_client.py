"""The admin client against a live server, and the assertion helpers' messages."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from mockserver.app import create_app
from mockserver.config import ServerConfig
from mockserver.testing import AdminClient, AdminError, TenantClient, assert_sence_attendance
from mockserver.testing.client import scenario_payload
from mockserver.testing.server import ThreadedServer
from tests.harness import DEMO, DEMO_TOKEN, REST

pytestmark = pytest.mark.live


@pytest.fixture(scope="module")
def admin() -> Iterator[AdminClient]:
    server = ThreadedServer(create_app(ServerConfig(scenario_path=DEMO)))
    with AdminClient(server.url) as client:
        yield client
    server.stop()


@pytest.fixture
def tenant(admin: AdminClient) -> Iterator[TenantClient]:
    tenant = admin.create_tenant(scenario=DEMO)
    yield tenant
    tenant.delete()


def login(tenant: TenantClient, username: str) -> httpx.Response:
    data = {
        "wstoken": DEMO_TOKEN,
        "wsfunction": "auth_userkey_request_login_url",
        "moodlewsrestformat": "json",
        "user[username]": username,
    }
    return httpx.post(tenant.url(REST), data=data)


def test_server_and_tenant_basics(admin: AdminClient, tenant: TenantClient) -> None:
    assert admin.health() == {"status": "ok"}
    assert admin.ready()["status"] == "ready"
    assert tenant.name in [t["name"] for t in admin.tenants()]
    assert admin.tenant(tenant.name).wwwroot == tenant.wwwroot == admin.base_url + "/t/" + tenant.name
    assert repr(tenant) == f"<TenantClient {tenant.name} {tenant.wwwroot}>"
    assert tenant.url("login/index.php") == tenant.wwwroot + "/login/index.php"
    assert tenant.refresh()["scenario"] == "demo"
    assert admin.tenant().name == "default"
    copy = admin.create_tenant("copy-of-it", copy=tenant.name)
    assert copy.info["scenario"] == "demo"
    admin.delete_tenant("copy-of-it")
    by_path = admin.create_tenant(path=str(DEMO))
    assert by_path.info["source"] == str(DEMO)
    by_path.delete()


def test_scenario_clock_world(tenant: TenantClient) -> None:
    tenant.load_scenario("name: text\nusers:\n  - {username: textual}\n")
    assert tenant.scenario()["name"] == "text"
    tenant.load_scenario({"name": "dict", "users": [{"username": "dictionary"}]})
    assert [u["username"] for u in tenant.world()["users"]] == ["guest", "dictionary"]
    tenant.load_scenario(DEMO)
    assert tenant.info["scenario"] == "demo"
    tenant.set_clock(1900000000, frozen=True)
    assert tenant.advance(30, minutes=1)["time"] == 1900000090
    assert tenant.freeze(False)["frozen"] is False
    login(tenant, "alumno1")
    assert [k["user"] for k in tenant.login_keys()] == ["alumno1"]
    assert tenant.login_keys(include_expired=True)[0]["user"] == "alumno1"
    assert tenant.sence() == {"sessions": [], "attendance": []}
    assert tenant.reset()["tenant"] == tenant.name
    assert tenant.login_keys() == []
    login(tenant, "alumno2")
    tenant.reset(keep=["journal"])
    assert len(tenant.journal()) == 1


def test_faults_rules_journal_verify(tenant: TenantClient, admin: AdminClient) -> None:
    fault = tenant.add_fault(match={"wsfunction": "auth_userkey_request_login_url"}, status=503, times=1)
    assert [f["id"] for f in tenant.faults()] == [fault["id"]]
    assert login(tenant, "alumno1").status_code == 503
    tenant.remove_fault(fault["id"])
    tenant.add_fault({"match": {"path": "/nowhere"}}, status=500)
    assert tenant.clear_faults() == 1
    assert login(tenant, "alumno1").status_code == 200
    rule = {"name": "r", "match": {"action": "start"}, "outcome": {"auto_login": True}}
    assert tenant.add_rule(rule)["index"] == 0
    assert [r["name"] for r in tenant.rules()] == ["r"]
    tenant.remove_rule(0)
    tenant.add_rule(rule)
    assert tenant.clear_rules() == 1
    assert [e["status"] for e in tenant.journal(wsfunction="auth_userkey_request_login_url")] == [503, 200]
    assert len(tenant.journal(params={"user[username]": "alumno1"}, limit=1)) == 1
    assert tenant.journal_status() == {"size": 1000, "kept": 2, "total": 2, "dropped": 0}
    assert tenant.journal_text(status=503).splitlines()[1].endswith("-> 503 [fault fault-1]")
    assert tenant.verify(user="alumno1", count=2)["ok"] is True
    assert tenant.verify(user="alumno1", count=1)["ok"] is False
    tenant.assert_called(user="alumno1", at_least=2)
    tenant.assert_not_called(path="/login/token.php")
    tenant.assert_login_url_requested("alumno1", times=2)
    tenant.assert_login_url_requested("alumno1", times=None)
    with pytest.raises(AssertionError, match=r"found 2 requests\.\nmatching requests:"):
        tenant.assert_login_url_requested("alumno1")
    tenant.clear_journal()
    assert tenant.journal() == []
    server_fault = admin.add_fault(match={"tenant": tenant.name}, status=418)
    assert login(tenant, "alumno1").status_code == 418
    assert [f["id"] for f in admin.faults()] == [server_fault["id"]]
    assert admin.clear_faults() == 1


def test_errors_carry_problems(admin: AdminClient) -> None:
    with pytest.raises(AdminError) as info:
        admin.create_tenant(scenario="users:\n  - {username: x, nope: 1}\n")
    assert info.value.status == 422
    assert info.value.problems == ["<api>:2: users.0.nope: unknown key (`mockserver schema` lists the valid ones)"]
    assert "admin API answered 422: invalid scenario\n  <api>:2: users.0.nope" in str(info.value)
    with pytest.raises(AdminError, match="no tenant named 'ghost'"):
        admin.tenant("ghost")


def test_scenario_payload_is_self_contained() -> None:
    payload = scenario_payload(DEMO)
    assert isinstance(payload, dict)
    assert payload["fixtures"] == [] and {u["username"] for u in payload["users"]} >= {"alumno1", "admin"}
    assert scenario_payload("name: x\n") == "name: x\n"
    assert scenario_payload({"name": "y"}) == {"name": "y"}


class FakeTenant:
    name = "t1"

    def __init__(self, attendance: list[dict[str, Any]]) -> None:
        self._attendance = attendance

    def sence(self) -> dict[str, Any]:
        return {"sessions": [], "attendance": self._attendance}


ENTRY = {
    "RunAlumno": "12345678-5",
    "action": "start",
    "result": "success",
    "CodSence": "1238008244",
    "CodigoCurso": "6071806",
    "GlosaError": "",
    "FechaHora": "2026-11-21 20:41:00",
}


def test_sence_attendance_helper() -> None:
    tenant: Any = FakeTenant([ENTRY, {**ENTRY, "RunAlumno": "18765432-7", "result": "error", "GlosaError": "211"}])
    assert assert_sence_attendance(tenant, "12.345.678-5") == [ENTRY]
    assert assert_sence_attendance(tenant, "12345678-5", CodigoCurso="6071806")
    with pytest.raises(AssertionError) as info:
        assert_sence_attendance(tenant, "18765432-7")
    assert str(info.value) == (
        "mockserver tenant 't1': no SENCE attendance recorded for RUN 18765432-7 (action=start, result=success).\n"
        "the register holds:\n"
        "  RunAlumno=12345678-5, action=start, result=success, CodSence=1238008244, CodigoCurso=6071806, "
        "FechaHora=2026-11-21 20:41:00\n"
        "  RunAlumno=18765432-7, action=start, result=error, GlosaError=211, CodSence=1238008244, "
        "CodigoCurso=6071806, FechaHora=2026-11-21 20:41:00"
    )
    empty: Any = FakeTenant([])
    with pytest.raises(AssertionError, match="the register is empty"):
        assert_sence_attendance(empty, "12345678-5")


def test_scenario_path_objects(tmp_path: Path) -> None:
    scenario = tmp_path / "s.yaml"
    scenario.write_text("name: local\n", encoding="utf-8")
    assert scenario_payload(scenario) == {**scenario_payload(scenario), "name": "local"}
