"""SENCE through the CI tools: attendance in the world view, journal and dashboard; faults on RCE paths."""

from __future__ import annotations

import pytest

from mockserver.testing import AdminClient
from tests.admin.helpers import admin, journal, new_tenant
from tests.harness import DEMO, Harness, ServerFactory
from tests.sence.helpers import RUN, callback, form, login, submit

COURSE = "/course/view.php?id=2"


def through_sence(h: Harness, prefix: str) -> None:
    """alumno1 logs in to the tenant's Moodle, passes the SENCE gate and comes back to the course."""
    h.client.get(_login_url(h, prefix))
    gate = form(h.client.get(prefix + COURSE).text, "sence-iniciar-form")
    assert gate.action == h.url(prefix + "/rce/Registro/IniciarSesion")
    done = login(h, submit(h, gate).text)
    back = submit(h, callback(done.text))
    assert back.status_code == 303 and back.headers["location"] == h.url(prefix + COURSE)


def _login_url(h: Harness, prefix: str) -> str:
    data = {
        "wstoken": "d1c2b3a4e5f60718293a4b5c6d7e8f90",
        "wsfunction": "auth_userkey_request_login_url",
        "moodlewsrestformat": "json",
        "user[username]": "alumno1",
    }
    url: str = h.client.post(prefix + "/webservice/rest/server.php", data=data).json()["loginurl"]
    return url


def test_attendance_sessions_journal_and_dashboard(server: ServerFactory) -> None:
    h = server(DEMO)
    new_tenant(h, "otec")
    through_sence(h, "/t/otec")
    sence = admin(h, "GET", "/tenants/otec/world/sence").json()
    [entry] = sence["attendance"]
    assert (entry["RunAlumno"], entry["action"], entry["result"]) == (RUN, "start", "success")
    assert entry["callback_url"] == h.url("/t/otec/blocks/sence/retorno.php")
    [session] = sence["sessions"]
    assert session["RunAlumno"] == RUN and session["open"] is True
    assert admin(h, "GET", "/tenants/default/world/sence").json() == {"sessions": [], "attendance": []}
    started = journal(h, "otec", path="/rce/Registro/IniciarSesion")
    assert [(e["user"], e["form"]["Token"], e["status"]) for e in started] == [(RUN, "5EEB…3220", 200)]
    assert "5EEBF607-25A9-4DB2-A4DD-5D31BDAE3220" not in str(journal(h, "otec"))
    [typed] = journal(h, "otec", path="/rce/Registro/Ingresar")
    assert (typed["user"], typed["form"]["run"], typed["form"]["clave"]) == (RUN, RUN, "********")
    html = h.client.get("/__mock/dashboard?tenant=otec").text
    assert '<table id="attendance">' in html and f'<td class="mono">{RUN}</td>' in html
    assert '<table id="sence-sessions">' in html


def test_fault_on_sence(server: ServerFactory) -> None:
    h = server(DEMO)
    fault = {"match": {"path": "/rce/Registro/IniciarSesion", "params": {"RunAlumno": RUN}}, "status": 503}
    admin(h, "POST", "/tenants/default/faults", json=fault)
    h.client.get(_login_url(h, ""))
    gate = form(h.client.get(COURSE).text, "sence-iniciar-form")
    assert submit(h, gate).status_code == 503
    assert admin(h, "GET", "/tenants/default/world/sence").json()["attendance"] == []


@pytest.mark.live
def test_attendance_assertion_helper(live: ServerFactory) -> None:
    h = live(DEMO)
    new_tenant(h, "helper")
    with AdminClient(h.base_url) as client:
        tenant = client.tenant("helper")
        with pytest.raises(AssertionError, match="the register is empty"):
            tenant.assert_sence_attendance(RUN)
        through_sence(h, "/t/helper")
        [entry] = tenant.assert_sence_attendance("12.345.678-5", CodigoCurso="6071806")
        assert entry["result"] == "success"
        with pytest.raises(AssertionError, match=r"no SENCE attendance recorded for RUN 12345678-5 \(action=close"):
            tenant.assert_sence_attendance(RUN, action="close")
