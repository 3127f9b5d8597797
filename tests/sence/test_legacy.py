"""Manual v1.1.3 behaviour: Clave SENCE, GlosaError 100 after three wrong passwords, 210 after three minutes."""

from __future__ import annotations

from tests.harness import ServerFactory
from tests.sence.helpers import (
    ERROR,
    OTHER_RUN,
    RETOMA,
    START_CALLBACK,
    callback,
    demo_post,
    form,
    login,
    scenario,
    start,
)

LEGACY = scenario("sence-legacy.yaml")
FROZEN = {"clock": {"start": "2026-03-02T13:00:00Z", "frozen": True}}


def test_clave_sence_login_page(server: ServerFactory) -> None:
    h = server(LEGACY)
    page = start(h, demo_post())
    assert "<h2>Clave SENCE</h2>" in page.text
    assert 'id="sence-continuar">INGRESAR</button>' in page.text
    assert '<input type="text" name="run" id="run" value="12345678-5" readonly>' in page.text
    assert "https://cus.sence.cl/Account/RecuperarClave" in page.text
    assert "ClaveÚnica" not in page.text
    assert 'data-seconds="180"' in page.text
    assert callback(login(h, page.text).text).action == RETOMA


def test_three_wrong_passwords_give_100(server: ServerFactory) -> None:
    h = server(LEGACY)
    page = start(h, demo_post())
    first = login(h, page.text, password="x")
    assert "Intentos restantes: 2." in first.text
    second = login(h, first.text, password="y")
    assert "Intentos restantes: 1." in second.text
    third = callback(login(h, second.text, password="z").text)
    assert third.action == ERROR
    assert third.names == [*START_CALLBACK, "GlosaError"]
    assert third.values["GlosaError"] == "100"


def test_three_minutes_give_210(server: ServerFactory) -> None:
    h = server(LEGACY, FROZEN)
    page = start(h, demo_post())
    h.tenant.clock.advance(120)
    wrong = login(h, page.text, password="x")
    assert 'data-seconds="60"' in wrong.text
    h.tenant.clock.advance(61)
    late = callback(login(h, wrong.text).text)
    assert late.values["GlosaError"] == "210"
    assert late.values["FechaHora"] == "2026-03-02 10:03:01"


def test_another_rut_counts_as_a_wrong_password(server: ServerFactory) -> None:
    h = server(LEGACY)
    page = start(h, demo_post())
    login_form = form(page.text, "sence-login")
    response = h.client.post(login_form.action, data={**login_form.values, "run": OTHER_RUN, "clave": "demo"})
    assert "Intentos restantes: 2." in response.text


def test_v113_rules(server: ServerFactory) -> None:
    h = server(LEGACY)
    # 200-character URLs are fine, línea 6 does not exist yet.
    assert "sence-login" in start(h, demo_post(UrlRetoma="http://lms.example/" + "x" * 150)).text
    assert callback(start(h, demo_post(LineaCapacitacion="6")).text).values["GlosaError"] == "206"
    # No 313: a close from another origin is accepted.
    done = callback(login(h, start(h, demo_post()).text).text)
    close = {**demo_post(UrlRetoma="http://other.example/x"), "IdSesionSence": done.values["IdSesionSence"]}
    assert "sence-login" in h.client.post("/rce/Registro/CerrarSesion", data=close).text


def test_v113_glosa_texts_on_sence_error_page(server: ServerFactory) -> None:
    h = server(LEGACY, {"sence": {"rules": [{"outcome": {"glosa": 308}}]}})
    page = start(h, demo_post(UrlError=None))
    assert "El Código Curso no corresponde al RUT OTEC.</span>" in page.text


def test_v115_is_claveunica_with_its_own_texts(server: ServerFactory) -> None:
    h = server(scenario("sence-success.yaml"), {"sence": {"manual": "1.1.5"}})
    page = start(h, demo_post())
    assert "Clave<b>Única</b>" in page.text
    assert callback(login(h, page.text, run=OTHER_RUN).text).values["GlosaError"] == "311"
    fpt = demo_post(CodSence="1238008249", CodigoCurso="60718", LineaCapacitacion="6")
    assert callback(start(h, fpt).text).values["GlosaError"] == "206"
    shown = start(h, demo_post(CodSence="1238008245", UrlError=None))
    assert '<b class="glosa-code">201</b>' in shown.text
    h2 = server(scenario("sence-success.yaml"), {"sence": {"manual": "1.1.5", "rules": [{"outcome": {"glosa": 306}}]}})
    assert "El Código Curso no corresponde al código SENCE .</span>" in start(h2, demo_post(UrlError=None)).text
