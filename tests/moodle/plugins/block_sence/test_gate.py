"""The Moodle-side SENCE gate: gate page, return and error handlers, close action, validity."""

from __future__ import annotations

import re
from typing import Any

import httpx

from mockserver.sence.glosas import glosa
from tests.harness import DEMO, Harness, ServerFactory
from tests.sence.helpers import (
    OTHER_RUN,
    RUN,
    START_FIELDS,
    callback,
    form,
    forms,
    login,
    register,
    submit,
)

COURSE = "/course/view.php?id=2"
CLOCK = {"clock": {"start": "2026-03-02T13:00:00Z", "frozen": True}}


def moodle_login(h: Harness, username: str = "alumno1") -> None:
    response = h.client.get(h.login_url(username))
    assert response.status_code == 303


def sesskey(page: str) -> str:
    found = re.search(r"sesskey=([A-Za-z0-9]+)", page)
    assert found, page
    return found.group(1)


def through_sence(h: Harness, run: str = RUN, password: str = "demo") -> httpx.Response:
    """From the gate page: SENCE login, callback, back in Moodle (the response of the return handler)."""
    gate = h.client.get(COURSE)
    sence_page = submit(h, form(gate.text, "sence-iniciar-form"))
    assert sence_page.status_code == 200, sence_page.text
    done = login(h, sence_page.text, run=run, password=password)
    return submit(h, callback(done.text))


def enter(h: Harness) -> httpx.Response:
    back = through_sence(h)
    assert back.status_code == 303, back.text
    assert back.headers["location"] == h.url(COURSE)
    return h.client.get(COURSE)


def test_student_meets_the_gate(server: ServerFactory) -> None:
    h = server(DEMO)
    moodle_login(h)
    page = h.client.get(COURSE)
    assert page.status_code == 200
    assert 'id="sence-gate"' in page.text
    assert '<button type="submit" class="btn" id="sence-iniciar">Iniciar sesión con SENCE</button>' in page.text
    gate = form(page.text, "sence-iniciar-form")
    assert gate.action == h.url("/rce/Registro/IniciarSesion")
    assert gate.names == START_FIELDS
    assert gate.values == {
        "RutOtec": "76543210-3",
        "Token": "5EEBF607-25A9-4DB2-A4DD-5D31BDAE3220",
        "CodSence": "1238008244",
        "CodigoCurso": "6071806",
        "LineaCapacitacion": "3",
        "RunAlumno": RUN,
        "IdSesionAlumno": f"{sesskey(page.text)}-2",
        "UrlRetoma": h.url("/blocks/sence/retorno.php"),
        "UrlError": h.url("/blocks/sence/error.php"),
    }
    assert 'id="region-main"' not in page.text


def test_student_enters_after_sence(server: ServerFactory) -> None:
    h = server(DEMO, CLOCK)
    moodle_login(h)
    course = enter(h)
    assert '<h1 class="coursename">Curso SENCE de demostración</h1>' in course.text
    assert 'id="sence-block"' in course.text
    body = register(h)
    id_sesion = body["sesiones"][0]["IdSesionSence"]
    assert f'data-idsesionsence="{id_sesion}"' in course.text
    assert "iniciada el 2026-03-02 10:00:00 (America/Santiago)" in course.text
    assert 'data-seconds="10800"' in course.text
    entry = body["registro"][0]
    assert (entry["result"], entry["RunAlumno"], entry["CodigoCurso"]) == ("success", RUN, "6071806")
    records = h.tenant.store.sence.gate_records(3, 2)
    assert [(r.IdSesionSence, r.FechaHora, r.ZonaHoraria) for r in records] == [
        (id_sesion, "2026-03-02 10:00:00", "America/Santiago")
    ]


def test_other_run_ends_on_moodle_error_page(server: ServerFactory) -> None:
    h = server(DEMO)
    moodle_login(h)
    page = through_sence(h, run=OTHER_RUN)
    assert page.status_code == 200
    assert '<span class="glosa-code">311</span>' in page.text
    assert glosa(311) in page.text
    assert f'href="{h.url(COURSE)}">Volver al curso</a>' in page.text
    assert 'id="sence-gate"' in h.client.get(COURSE).text


def test_error_handler_texts(server: ServerFactory) -> None:
    h = server(DEMO)
    page = h.client.post("/blocks/sence/error.php", data={"GlosaError": "211;204", "IdSesionAlumno": "x"})
    assert page.status_code == 200
    assert [m for m in re.findall(r'data-code="(\d+)"', page.text)] == ["211", "204"]
    assert "El Token no pertenece al OTEC." in page.text
    legacy = h.client.post("/blocks/sence/error.php", data={"GlosaError": "210"})
    assert "El tiempo disponible es de tres minutos." in legacy.text
    empty = h.client.get("/blocks/sence/error.php")
    assert "SENCE no informó un código de error (GlosaError)." in empty.text
    close = h.client.post("/blocks/sence/error.php?cierre=1", data={"GlosaError": "301"})
    assert "No se pudo cerrar la sesión SENCE" in close.text


def test_teacher_admin_and_other_courses_bypass_the_gate(server: ServerFactory) -> None:
    overrides: dict[str, Any] = {
        "courses": [{"id": 3, "shortname": "LIBRE", "fullname": "Curso libre"}],
        "enrolments": [{"user": "alumno1", "course": "LIBRE"}],
    }
    h = server(DEMO, overrides)
    moodle_login(h, "docente1")
    assert 'id="region-main"' in h.client.get(COURSE).text
    h.client.cookies.clear()
    moodle_login(h, "admin")
    assert 'id="region-main"' in h.client.get(COURSE).text
    h.client.cookies.clear()
    moodle_login(h, "alumno1")
    free = h.client.get("/course/view.php?id=3")
    assert 'id="region-main"' in free.text and "sence" not in free.text.lower().replace("sence-demo", "")


def test_return_needs_the_bound_moodle_session(server: ServerFactory) -> None:
    h = server(DEMO)
    moodle_login(h)
    gate = h.client.get(COURSE)
    data = {"IdSesionAlumno": "wrongkey00-2", "IdSesionSence": "1", "CodSence": "1238008244"}
    wrong = h.client.post("/blocks/sence/retorno.php", data=data)
    assert wrong.status_code == 400
    assert "IdSesionAlumno no corresponde a esta sesión de Moodle" in wrong.text
    no_id = h.client.post("/blocks/sence/retorno.php", data={"IdSesionAlumno": f"{sesskey(gate.text)}-2"})
    assert no_id.status_code == 400
    assert h.tenant.store.sence.gate_records(3, 2) == []
    h.client.cookies.clear()
    anonymous = h.client.post("/blocks/sence/retorno.php", data=data)
    assert anonymous.status_code == 403
    assert "cookie MoodleSession" in anonymous.text


def test_close_flow(server: ServerFactory) -> None:
    h = server(DEMO, CLOCK)
    moodle_login(h)
    course = enter(h)
    id_sesion = register(h)["sesiones"][0]["IdSesionSence"]
    h.tenant.clock.advance(1200)
    closing = submit(h, form(course.text, "sence-cerrar-form"))
    assert closing.status_code == 200
    to_sence = form(closing.text, "sence-cerrar-sence-form")
    assert to_sence.action == h.url("/rce/Registro/CerrarSesion")
    assert to_sence.names == [*START_FIELDS[:7], "IdSesionSence", "UrlRetoma", "UrlError"]
    assert to_sence.values["IdSesionSence"] == id_sesion
    assert to_sence.values["UrlRetoma"] == h.url("/blocks/sence/retorno.php?cierre=1")
    sence_page = submit(h, to_sence)
    back = submit(h, callback(login(h, sence_page.text).text))
    assert back.status_code == 303
    gate = h.client.get(COURSE)
    assert 'id="sence-gate"' in gate.text
    assert '<div class="alert alert-info" id="sence-flash">La sesión SENCE fue cerrada.</div>' in gate.text
    body = register(h)
    assert [e["action"] for e in body["registro"]] == ["start", "close"]
    assert body["registro"][1]["FechaHora"] == "2026-03-02 10:20:00"
    assert body["sesiones"][0]["open"] is False
    assert h.tenant.store.sence.gate_records(3, 2)[0].timeclosed is not None


def test_cerrar_needs_sesskey(server: ServerFactory) -> None:
    h = server(DEMO)
    moodle_login(h)
    enter(h)
    response = h.client.post("/blocks/sence/cerrar.php", data={"id": "2", "sesskey": "nope"})
    assert response.status_code == 400
    h.client.cookies.clear()
    assert h.client.post("/blocks/sence/cerrar.php", data={"id": "2"}).status_code == 303


def test_validity_expires(server: ServerFactory) -> None:
    h = server(DEMO, CLOCK)
    moodle_login(h)
    enter(h)
    h.tenant.clock.advance(3 * 3600 - 1)
    assert 'id="sence-block"' in h.client.get(COURSE).text
    h.tenant.clock.advance(2)
    assert 'id="sence-gate"' in h.client.get(COURSE).text


def test_validity_ends_with_the_moodle_session(server: ServerFactory) -> None:
    h = server(DEMO)
    moodle_login(h)
    enter(h)
    h.client.cookies.clear()
    moodle_login(h)  # a new Moodle session (new sesskey)
    assert 'id="sence-gate"' in h.client.get(COURSE).text


def test_once_per_course(server: ServerFactory) -> None:
    h = server(DEMO, {"moodle": {"sence": {"validity": "once"}}})
    moodle_login(h)
    enter(h)
    h.tenant.clock.advance(30 * 86400)
    h.client.cookies.clear()
    moodle_login(h)
    page = h.client.get(COURSE)
    assert 'id="sence-block"' in page.text
    assert "sence-remaining" not in page.text


def test_configurable_validity(server: ServerFactory) -> None:
    h = server(DEMO, {**CLOCK, "moodle": {"sence": {"validity": 60}}})
    moodle_login(h)
    enter(h)
    h.tenant.clock.advance(61)
    assert 'id="sence-gate"' in h.client.get(COURSE).text


def test_duplicated_callback_records_once(server: ServerFactory) -> None:
    h = server(DEMO, {"sence": {"rules": [{"outcome": {"callback": "duplicate"}}]}})
    moodle_login(h)
    gate = h.client.get(COURSE)
    done = login(h, submit(h, form(gate.text, "sence-iniciar-form")).text)
    both = [f for f in forms(done.text) if "sence-callback" in f.attrs.get("class", "")]
    assert len(both) == 2
    for found in both:
        assert submit(h, found).status_code == 303
    assert len(h.tenant.store.sence.gate_records(3, 2)) == 1


def test_missing_run_or_settings(server: ServerFactory) -> None:
    h = server(DEMO, {"moodle": {"sence": {"otec_token": ""}}})
    moodle_login(h)
    page = h.client.get(COURSE)
    assert "El sitio no tiene configurados el RUT OTEC y el Token SENCE" in page.text
    assert "sence-iniciar-form" not in page.text
    overrides: dict[str, Any] = {
        "users": [{"username": "sinrun", "firstname": "Sin", "lastname": "Run"}],
        "enrolments": [{"user": "sinrun", "course": "SENCE-DEMO"}],
    }
    h2 = server(DEMO, overrides)
    moodle_login(h2, "sinrun")
    assert "Tu cuenta no tiene RUN registrado" in h2.client.get(COURSE).text


def test_sence_url_is_configurable(server: ServerFactory) -> None:
    h = server(DEMO, {"moodle": {"sence": {"url": "https://sistemas.sence.cl/rcetest"}}})
    moodle_login(h)
    assert (
        form(h.client.get(COURSE).text, "sence-iniciar-form").action
        == "https://sistemas.sence.cl/rcetest/Registro/IniciarSesion"
    )
    h2 = server(DEMO, {"moodle": {"sence": {"environment": "rcetest"}}})
    moodle_login(h2)
    assert form(h2.client.get(COURSE).text, "sence-iniciar-form").action == h2.url("/rcetest/Registro/IniciarSesion")


def test_gate_under_a_tenant_prefix(inprocess: ServerFactory) -> None:
    from mockserver.world.loader import load_scenario
    from mockserver.world.tenant import Tenant

    h = inprocess(DEMO)
    h.app.tenants.add(Tenant("acme", load_scenario(DEMO)))
    key = h.client.post(
        "/t/acme/webservice/rest/server.php",
        data={
            "wstoken": "d1c2b3a4e5f60718293a4b5c6d7e8f90",
            "wsfunction": "auth_userkey_request_login_url",
            "moodlewsrestformat": "json",
            "user[username]": "alumno1",
        },
    ).json()["loginurl"]
    h.client.get(key)
    gate = form(h.client.get("/t/acme/course/view.php?id=2").text, "sence-iniciar-form")
    assert gate.action == h.url("/t/acme/rce/Registro/IniciarSesion")
    assert gate.values["UrlRetoma"] == h.url("/t/acme/blocks/sence/retorno.php")
    done = login(h, submit(h, gate).text)
    back = submit(h, callback(done.text))
    assert back.headers["location"] == h.url("/t/acme/course/view.php?id=2")
    assert len(h.client.get("/t/acme/rce/registro.json").json()["registro"]) == 1
    assert register(h)["registro"] == []
