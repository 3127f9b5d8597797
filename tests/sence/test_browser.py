"""The SENCE flows in Debian's Chromium (Playwright) against a live server."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from tests.harness import DEMO_TOKEN, REST, ServerFactory
from tests.sence.test_sence_port import Thread

pytestmark = pytest.mark.browser


def _login_url(h: Any, username: str = "alumno1") -> str:
    response = httpx.post(
        h.url(REST),
        data={
            "wstoken": DEMO_TOKEN,
            "wsfunction": "auth_userkey_request_login_url",
            "moodlewsrestformat": "json",
            "user[username]": username,
        },
    )
    url: str = response.json()["loginurl"]
    return url


def _to_gate(h: Any, chromium: Any) -> tuple[Any, Any]:
    context = chromium.new_context()
    page = context.new_page()
    course_url = h.url("/course/view.php?id=2")
    page.goto(f"{_login_url(h)}&wantsurl={course_url}")
    assert page.url == course_url
    assert page.locator("#sence-gate h2").inner_text() == "Registro de asistencia SENCE"
    page.click("#sence-iniciar")
    page.wait_for_selector("#sence-login")
    assert "SERVIDOR DE PRUEBA" in page.locator("#fake-banner").inner_text()
    assert page.locator("#sence-course").inner_text() == "Curso SENCE de demostración"
    assert page.locator("#sence-otec").inner_text() == "OTEC Demostración SpA (76543210-3)"
    return context, page


def test_student_passes_the_sence_gate(live: ServerFactory, chromium: Any) -> None:
    h = live()
    context, page = _to_gate(h, chromium)
    # A wrong password keeps the student on SENCE's page, without any callback.
    page.fill("#run", "12345678-5")
    page.fill("#clave", "wrong")
    page.click("#sence-continuar")
    assert page.locator("#sence-login-error").inner_text() == "RUN o ClaveÚnica incorrectos. Inténtalo nuevamente."
    page.fill("#run", "12345678-5")
    page.fill("#clave", "demo")
    with page.expect_navigation(url=h.url("/course/view.php?id=2")):
        page.click("#sence-continuar")
    page.wait_for_selector("#sence-block")
    assert page.locator("h1.coursename").inner_text() == "Curso SENCE de demostración"
    assert page.locator("#usertext").inner_text() == "Ana Pérez"
    [entry] = httpx.get(h.url("/rce/registro.json")).json()["registro"]
    assert (entry["result"], entry["RunAlumno"], entry["attempts"]) == ("success", "12345678-5", 1)
    [record] = h.tenant.store.sence.gate_records(3, 2)
    assert record.IdSesionSence == entry["IdSesionSence"]
    # Close the SENCE session: back to the gate.
    page.click("#sence-cerrar")
    page.wait_for_selector("#sence-login")
    page.fill("#run", "12345678-5")
    page.fill("#clave", "demo")
    page.click("#sence-continuar")
    page.wait_for_selector("#sence-gate")
    assert page.locator("#sence-flash").inner_text() == "La sesión SENCE fue cerrada."
    context.close()


def test_other_run_ends_on_moodle_error_page(live: ServerFactory, chromium: Any) -> None:
    h = live()
    context, page = _to_gate(h, chromium)
    page.fill("#run", "18765432-7")
    page.fill("#clave", "demo")
    with page.expect_navigation(url=h.url("/blocks/sence/error.php")):
        page.click("#sence-continuar")
    page.wait_for_selector("#sence-error")
    assert page.locator(".glosa-code").inner_text() == "311"
    assert page.locator(".glosa-text").inner_text() == (
        "Run ingresado en el Login de Clave Única no corresponde con Run alumno informado por el ejecutor."
    )
    [entry] = httpx.get(h.url("/rce/registro.json")).json()["registro"]
    assert (entry["result"], entry["GlosaError"]) == ("error", "311")
    assert h.tenant.store.sence.gate_records(3, 2) == []
    context.close()


def test_sence_on_another_origin_and_duplicated_callback(live: ServerFactory, chromium: Any) -> None:
    h = live(overrides={"sence": {"rules": [{"outcome": {"callback": "duplicate"}}]}})
    from mockserver.sence.app import create_sence_app

    sence = Thread(create_sence_app(h.app))
    h.app.starlette.state.sence_url = sence.url
    try:
        context, page = _to_gate(h, chromium)
        assert page.url == f"{sence.url}/rce/Registro/IniciarSesion"
        page.fill("#run", "12345678-5")
        page.fill("#clave", "demo")
        page.click("#sence-continuar")
        page.wait_for_selector("#sence-block")
        # Both posts of the duplicated callback arrived; the plugin kept one row.
        journal = h.app.admin.runtime(h.tenant).journal.entries()
        returns = [e for e in journal if e.request.method == "POST" and e.request.path == "/blocks/sence/retorno.php"]
        assert len(returns) == 2
        assert len(h.tenant.store.sence.gate_records(3, 2)) == 1
        context.close()
    finally:
        sence.stop()
