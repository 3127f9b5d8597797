"""The RCE endpoints over HTTP (in-process and live): login page, callbacks, close, register."""

from __future__ import annotations

import re
from typing import Any

import pytest

from mockserver.sence.glosas import glosa
from tests.harness import Harness, ServerFactory
from tests.sence.helpers import (
    CLOSE_CALLBACK,
    ERROR,
    ERRORS,
    OTHER_RUN,
    RETOMA,
    RUN,
    START_CALLBACK,
    SUCCESS,
    callback,
    close_post,
    demo_post,
    form,
    forms,
    login,
    register,
    start,
    started_session,
)

SUMMER = {"clock": {"start": "2026-03-02T13:00:00Z", "frozen": True}}  # Chile: UTC-3
WINTER = {"clock": {"start": "2026-07-15T16:00:00Z", "frozen": True}}  # Chile: UTC-4


def test_login_page_then_success_callback(server: ServerFactory) -> None:
    h = server(SUCCESS, SUMMER)
    page = start(h, demo_post())
    assert page.status_code == 200
    assert page.headers["content-type"].startswith("text/html")
    assert "SERVIDOR DE PRUEBA" in page.text
    assert '<dd id="sence-course">Curso SENCE de demostración</dd>' in page.text
    assert '<dd id="sence-otec">OTEC Demostración SpA (76543210-3)</dd>' in page.text
    assert "Portal de Aplicaciones Sence – Requiere autenticación" in page.text
    assert form(page.text, "sence-login").action == "/rce/Registro/Ingresar"
    assert register(h)["registro"][0]["result"] == "pending"

    done = login(h, page.text)
    assert done.status_code == 200
    cb = callback(done.text)
    assert cb.action == RETOMA  # query string preserved
    assert cb.method == "post"
    assert cb.names == START_CALLBACK
    values = cb.values
    assert values["CodSence"] == "1238008244"
    assert values["CodigoCurso"] == "6071806"
    assert values["IdSesionAlumno"] == "sess-abc-123"
    assert re.fullmatch(r"[1-9][0-9]{9}", values["IdSesionSence"])
    assert values["RunAlumno"] == RUN
    assert values["FechaHora"] == "2026-03-02 10:00:00"
    assert values["ZonaHoraria"] == "America/Santiago"
    assert values["LineaCapacitacion"] == "3"
    # Auto-submits, and has a visible button for browsers without JavaScript.
    assert "main.submit()" in done.text
    assert '<button type="submit" class="btn" id="sence-callback-submit">Continuar</button>' in done.text


def test_fechahora_is_chile_time_in_winter(server: ServerFactory) -> None:
    h = server(SUCCESS, WINTER)
    assert started_session(h).values["FechaHora"] == "2026-07-15 12:00:00"


def test_fechahora_follows_the_server_clock(server: ServerFactory) -> None:
    h = server(SUCCESS, SUMMER)
    h.tenant.clock.advance(3600 * 5 + 7)
    assert started_session(h).values["FechaHora"] == "2026-03-02 15:00:07"


def test_error_callback_fields_and_order(server: ServerFactory) -> None:
    h = server(SUCCESS, SUMMER)
    response = start(h, demo_post(RunAlumno="12345678-9"))
    cb = callback(response.text)
    assert cb.action == ERROR
    assert cb.names == [*START_CALLBACK, "GlosaError"]
    assert cb.values["GlosaError"] == "207"
    assert cb.values["IdSesionSence"] == ""
    assert cb.values["RunAlumno"] == "12345678-9"
    assert cb.values["FechaHora"] == "2026-03-02 10:00:00"
    assert cb.attrs["data-sence-callback"] == "error"
    entry = register(h)["registro"][0]
    assert (entry["result"], entry["GlosaError"], entry["callback_url"]) == ("error", "207", ERROR)


def test_error_without_usable_url_error_is_shown_by_sence(server: ServerFactory) -> None:
    h = server(SUCCESS)
    response = start(h, demo_post(UrlError=None))
    assert response.status_code == 200
    assert forms(response.text) == []
    assert '<b class="glosa-code">201</b>' in response.text
    assert glosa(201) in response.text
    bad = start(h, demo_post(UrlError="not a url"))
    assert '<b class="glosa-code">203</b>' in bad.text
    # UrlRetoma alone is wrong: the error can be posted to UrlError.
    assert callback(start(h, demo_post(UrlRetoma=None)).text).values["GlosaError"] == "201"
    assert callback(start(h, demo_post(UrlRetoma="x")).text).values["GlosaError"] == "202"


def test_id_sesion_sence_is_unique(server: ServerFactory) -> None:
    h = server(SUCCESS)
    ids = {started_session(h).values["IdSesionSence"] for _ in range(5)}
    assert len(ids) == 5
    sessions = register(h)["sesiones"]
    assert {s["IdSesionSence"] for s in sessions} == ids
    assert all(s["open"] for s in sessions)


def test_wrong_password_stays_on_the_page(server: ServerFactory) -> None:
    h = server(SUCCESS)
    page = start(h, demo_post())
    wrong = login(h, page.text, password="nope")
    assert wrong.status_code == 200
    assert '<div class="alert alert-danger" role="alert" id="sence-login-error">' in wrong.text
    assert "RUN o ClaveÚnica incorrectos." in wrong.text
    assert not [f for f in forms(wrong.text) if f.id == "sence-callback"]
    unknown = login(h, wrong.text, run="13579246-2")  # valid RUN, no ClaveÚnica in this world
    assert "sence-login-error" in unknown.text
    entry = register(h)["registro"][0]
    assert (entry["result"], entry["attempts"]) == ("pending", 2)
    ok = login(h, unknown.text)
    assert callback(ok.text).action == RETOMA


def test_typed_run_with_dots_is_accepted(server: ServerFactory) -> None:
    h = server(SUCCESS)
    page = start(h, demo_post())
    assert callback(login(h, page.text, run="12.345.678-5").text).action == RETOMA


def test_other_run_typed_gives_311(server: ServerFactory) -> None:
    h = server(SUCCESS)
    page = start(h, demo_post())
    cb = callback(login(h, page.text, run=OTHER_RUN).text)
    assert cb.action == ERROR
    assert cb.values["GlosaError"] == "311"
    assert cb.values["RunAlumno"] == RUN


def test_blocked_claveunica_gives_312(server: ServerFactory) -> None:
    h = server(ERRORS)
    page = start(h, demo_post(RunAlumno="15123456-9"))
    cb = callback(login(h, page.text, run="15123456-9").text)
    assert cb.values["GlosaError"] == "312"


def test_finished_or_unknown_login_is_refused(server: ServerFactory) -> None:
    h = server(SUCCESS)
    page = start(h, demo_post())
    login(h, page.text)
    again = login(h, page.text)
    assert again.status_code == 404
    assert "no existe o ya fue procesada" in again.text
    other_env = h.client.post("/rcetest/Registro/Ingresar", data={"tx": form(page.text, "sence-login").values["tx"]})
    assert other_env.status_code == 404


def test_close_session(server: ServerFactory) -> None:
    h = server(SUCCESS, SUMMER)
    id_sesion = started_session(h).values["IdSesionSence"]
    h.tenant.clock.advance(1800)
    page = start(h, close_post(id_sesion), action="CerrarSesion")
    assert "<b>Cierre de sesión</b>" in page.text
    cb = callback(login(h, page.text).text)
    assert cb.action == "http://lms.example/sence/exito.php?curso=2&tipo=logout"
    assert cb.names == CLOSE_CALLBACK
    assert cb.values["FechaHora"] == "2026-03-02 10:30:00"
    body = register(h)
    assert [e["action"] for e in body["registro"]] == ["start", "close"]
    assert body["registro"][1]["IdSesionSence"] == id_sesion
    assert body["sesiones"][0]["open"] is False
    # A closed session cannot be closed again.
    again = callback(start(h, close_post(id_sesion), action="CerrarSesion").text)
    assert again.action == "http://lms.example/sence/error.php?curso=2&tipo=logout"
    assert again.names == [*CLOSE_CALLBACK, "GlosaError"]
    assert again.values["GlosaError"] == "301"


@pytest.mark.parametrize(
    ("changes", "code"),
    [
        ({"IdSesionSence": "1234567890"}, 301),
        ({"RunAlumno": OTHER_RUN}, 301),
        ({"UrlRetoma": "http://other-lms.example/exito"}, 313),
        ({"IdSesionSence": None}, 200),
    ],
)
def test_close_must_match_an_open_session(server: ServerFactory, changes: dict[str, Any], code: int) -> None:
    h = server(SUCCESS)
    id_sesion = started_session(h).values["IdSesionSence"]
    cb = callback(start(h, close_post(id_sesion, **changes), action="CerrarSesion").text)
    assert cb.values["GlosaError"] == str(code)


def test_close_in_the_other_environment_is_unknown(server: ServerFactory) -> None:
    h = server(SUCCESS)
    id_sesion = started_session(h).values["IdSesionSence"]
    cb = callback(start(h, close_post(id_sesion), env="rcetest", action="CerrarSesion").text)
    assert cb.values["GlosaError"] == "301"


def test_test_environment_wildcard(server: ServerFactory) -> None:
    h = server(SUCCESS)
    page = start(h, demo_post(CodSence="-1", CodigoCurso="-1"), env="rcetest")
    assert 'id="sence-environment">Ambiente Test<' in page.text
    assert "Curso de prueba (código -1)" in page.text
    assert form(page.text, "sence-login").action == "/rcetest/Registro/Ingresar"
    cb = callback(login(h, page.text).text)
    assert (cb.values["CodSence"], cb.values["CodigoCurso"]) == ("-1", "-1")
    assert register(h)["registro"][0]["environment"] == "rcetest"
    production = callback(start(h, demo_post(CodSence="-1", CodigoCurso="-1")).text)
    assert production.values["GlosaError"] == "204"


def test_paths_are_case_insensitive(server: ServerFactory) -> None:
    h = server(SUCCESS)
    page = h.client.post("/RCE/registro/iniciarsesion", data=demo_post())
    assert page.status_code == 200
    assert "sence-login" in page.text


def test_only_post(server: ServerFactory) -> None:
    h = server(SUCCESS)
    assert h.client.get("/rce/Registro/IniciarSesion").status_code == 405


def test_register_pages(server: ServerFactory) -> None:
    h = server(SUCCESS, SUMMER)
    started_session(h)
    start(h, demo_post(Token="bad"))
    body = register(h)
    first, second = body["registro"]
    assert first["action"] == "start" and first["result"] == "success" and first["environment"] == "rce"
    assert first["RutOtec"] == "76543210-3" and first["CodigoCurso"] == "6071806" and first["RunAlumno"] == RUN
    assert first["FechaHora"] == "2026-03-02 10:00:00"
    assert second["result"] == "error" and second["GlosaError"] == "303"
    page = h.client.get("/rce/registro")
    assert page.status_code == 200
    assert page.text.count('<tr class="entry') == 2
    assert "<td>303</td>" in page.text


def test_linea_1_and_6_succeed(server: ServerFactory) -> None:
    h = server(SUCCESS)
    social = started_session(h, CodSence=None, CodigoCurso="RLAB-19-02-08-0071-1", LineaCapacitacion="1")
    assert social.values["CodSence"] == "" and social.values["LineaCapacitacion"] == "1"
    fpt = started_session(h, CodSence="1238008249", CodigoCurso="60718", LineaCapacitacion="6")
    assert fpt.values["LineaCapacitacion"] == "6"


def test_tenant_prefix(inprocess: ServerFactory) -> None:
    from mockserver.world.loader import load_scenario
    from mockserver.world.tenant import Tenant

    h: Harness = inprocess(SUCCESS)
    h.app.tenants.add(Tenant("acme", load_scenario(SUCCESS)))
    page = h.client.post("/t/acme/rce/Registro/IniciarSesion", data=demo_post())
    login_form = form(page.text, "sence-login")
    assert login_form.action == "/t/acme/rce/Registro/Ingresar"
    assert callback(login(h, page.text).text).action == RETOMA
    assert len(h.client.get("/t/acme/rce/registro.json").json()["registro"]) == 1
    assert register(h)["registro"] == []
    assert 'href="/t/acme/rce/registro.json"' in h.client.get("/t/acme/rce/registro").text
