"""Scenario settings for the points where the manual is silent."""

from __future__ import annotations

import re
from typing import Any

import pytest
from pydantic import ValidationError

from mockserver.sence.spec import SenceSettings
from tests.harness import ServerFactory
from tests.sence.helpers import (
    CLOSE_CALLBACK,
    START_CALLBACK,
    SUCCESS,
    callback,
    close_post,
    demo_post,
    login,
    start,
    started_session,
)

CLOCK = {"clock": {"start": "2026-03-02T13:00:00Z", "frozen": True}}


def settings(**values: Any) -> dict[str, Any]:
    return {**CLOCK, "sence": {"settings": values}}


def test_after_login_codes(server: ServerFactory) -> None:
    h = server(SUCCESS, settings(after_login_codes=[208]))
    page = start(h, demo_post(RunAlumno="11111111-1"))
    assert "sence-login" in page.text
    assert callback(login(h, page.text, run="11111111-1").text).values["GlosaError"] == "208"
    # Codes not listed are still reported before the login page.
    assert callback(start(h, demo_post(RunAlumno="11111111-2")).text).values["GlosaError"] == "207"


def test_multiple_errors(server: ServerFactory) -> None:
    h = server(SUCCESS, settings(multiple_errors=True))
    cb = callback(start(h, demo_post(RutOtec="76543210-1", RunAlumno="12345678-9")).text)
    assert cb.values["GlosaError"] == "209;207"


def test_zona_horaria_and_timezone(server: ServerFactory) -> None:
    h = server(SUCCESS, settings(zona_horaria="Pacific SA Standard Time", fechahora_timezone="UTC"))
    values = started_session(h).values
    assert values["ZonaHoraria"] == "Pacific SA Standard Time"
    assert values["FechaHora"] == "2026-03-02 13:00:00"
    empty = server(SUCCESS, settings(zona_horaria=""))
    assert started_session(empty).values["ZonaHoraria"] == ""


@pytest.mark.parametrize(
    ("shape", "pattern"),
    [
        ("numeric", r"[1-9][0-9]{9}"),
        ("guid", r"[0-9A-F]{8}-[0-9A-F]{4}-4[0-9A-F]{3}-[89AB][0-9A-F]{3}-[0-9A-F]{12}"),
        ("hex", r"[0-9a-f]{32}"),
    ],
)
def test_id_sesion_sence_shape(server: ServerFactory, shape: str, pattern: str) -> None:
    h = server(SUCCESS, settings(id_sesion_sence=shape))
    assert re.fullmatch(pattern, started_session(h).values["IdSesionSence"])


def test_ids_are_reproducible_with_the_seed(inprocess: ServerFactory) -> None:
    first = started_session(inprocess(SUCCESS)).values["IdSesionSence"]
    second = started_session(inprocess(SUCCESS)).values["IdSesionSence"]
    assert first == second


def test_error_id_sesion_sence_omitted(server: ServerFactory) -> None:
    h = server(SUCCESS, settings(error_id_sesion_sence="omit"))
    cb = callback(start(h, demo_post(RunAlumno="1-1")).text)
    assert cb.names == [n for n in START_CALLBACK if n != "IdSesionSence"] + ["GlosaError"]


def test_close_fechahora_start(server: ServerFactory) -> None:
    h = server(SUCCESS, settings(close_fechahora="start"))
    id_sesion = started_session(h).values["IdSesionSence"]
    h.tenant.clock.advance(600)
    cb = callback(login(h, start(h, close_post(id_sesion), action="CerrarSesion").text).text)
    assert cb.names == CLOSE_CALLBACK
    assert cb.values["FechaHora"] == "2026-03-02 10:00:00"


def test_close_without_login(server: ServerFactory) -> None:
    h = server(SUCCESS, settings(close_requires_login=False))
    id_sesion = started_session(h).values["IdSesionSence"]
    cb = callback(start(h, close_post(id_sesion), action="CerrarSesion").text)
    assert cb.names == CLOSE_CALLBACK


def test_close_unknown_code_and_session_max_age(server: ServerFactory) -> None:
    h = server(SUCCESS, settings(close_unknown_code=304, session_max_age=3600))
    id_sesion = started_session(h).values["IdSesionSence"]
    h.tenant.clock.advance(3601)
    cb = callback(start(h, close_post(id_sesion), action="CerrarSesion").text)
    assert cb.values["GlosaError"] == "304"


def test_close_url_check_off(server: ServerFactory) -> None:
    h = server(SUCCESS, settings(close_url_check=False))
    id_sesion = started_session(h).values["IdSesionSence"]
    page = start(h, close_post(id_sesion, UrlRetoma="http://other.example/x"), action="CerrarSesion")
    assert "sence-login" in page.text


def test_url_max_length(server: ServerFactory) -> None:
    long_url = "http://lms.example/" + "x" * 300
    h = server(SUCCESS, settings(url_length_check=True, url_max_length=0))
    assert "sence-login" in start(h, demo_post(UrlRetoma=long_url)).text


def test_a_130_character_url_retoma_logs_in_by_default(server: ServerFactory) -> None:
    """Issue 9: production plugins send callback URLs with an HMAC, longer than the manual's 100."""
    url = "http://lms.example/sence/exito.php?sig=" + "a" * 91
    assert len(url) == 130
    h = server(SUCCESS, CLOCK)
    page = start(h, demo_post(UrlRetoma=url))
    assert "sence-login" in page.text
    done = callback(login(h, page.text).text)
    assert done.action == url
    assert "GlosaError" not in done.values


def test_url_length_check_on_answers_202_for_a_130_character_url_retoma(server: ServerFactory) -> None:
    url = "http://lms.example/sence/exito.php?sig=" + "a" * 91
    h = server(SUCCESS, settings(url_length_check=True))
    assert callback(start(h, demo_post(UrlRetoma=url)).text).values["GlosaError"] == "202"


def test_default_password(server: ServerFactory) -> None:
    h = server(SUCCESS, settings(default_password="secreto"))
    page = start(h, demo_post(CodSence="-1", CodigoCurso="-1", RunAlumno="13579246-2"), env="rcetest")
    assert callback(login(h, page.text, run="13579246-2", password="secreto").text).values["RunAlumno"] == "13579246-2"


def test_url_codes_cannot_wait_for_login() -> None:
    with pytest.raises(ValidationError):
        SenceSettings(after_login_codes=[203])
