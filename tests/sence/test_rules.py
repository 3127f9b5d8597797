"""Scripted outcomes from the scenario: forced glosas, auto-login, delay, no callback, duplicates, 500/503."""

from __future__ import annotations

import time
from typing import Any

import pytest
from pydantic import ValidationError

from mockserver.sence.spec import RuleSpec
from tests.harness import ServerFactory
from tests.sence.helpers import (
    ERROR,
    OTHER_RUN,
    RETOMA,
    RUN,
    START_CALLBACK,
    SUCCESS,
    callback,
    close_post,
    demo_post,
    forms,
    login,
    register,
    start,
    started_session,
)


def rules(*items: dict[str, Any]) -> dict[str, Any]:
    return {"sence": {"rules": list(items)}}


def glosa_of(page: str) -> str:
    return callback(page).values["GlosaError"]


def test_forced_glosa_before_login(server: ServerFactory) -> None:
    h = server(SUCCESS, rules({"outcome": {"glosa": 204}}))
    cb = callback(start(h, demo_post()).text)
    assert cb.action == ERROR
    assert cb.names == [*START_CALLBACK, "GlosaError"]
    assert cb.values["GlosaError"] == "204"


def test_forced_codes_joined(server: ServerFactory) -> None:
    h = server(SUCCESS, rules({"outcome": {"glosa": [211, 204]}}))
    assert glosa_of(start(h, demo_post()).text) == "211;204"


def test_login_codes_come_after_the_login(server: ServerFactory) -> None:
    h = server(SUCCESS, rules({"outcome": {"glosa": 312}}))
    page = start(h, demo_post())
    assert "sence-login" in page.text
    assert glosa_of(login(h, page.text).text) == "312"


def test_after_login_switch(server: ServerFactory) -> None:
    h = server(
        SUCCESS,
        rules(
            {"match": {"RunAlumno": RUN}, "outcome": {"glosa": 300, "after_login": True}},
            {"match": {"RunAlumno": OTHER_RUN}, "outcome": {"glosa": 311, "after_login": False}},
        ),
    )
    page = start(h, demo_post())
    assert glosa_of(login(h, page.text).text) == "300"
    assert glosa_of(start(h, demo_post(RunAlumno=OTHER_RUN)).text) == "311"


def test_forced_glosa_wins_over_validation_but_needs_url_error(server: ServerFactory) -> None:
    h = server(SUCCESS, rules({"outcome": {"glosa": 305}}))
    assert glosa_of(start(h, demo_post(RunAlumno="bad")).text) == "305"
    shown = start(h, demo_post(UrlError=None))
    assert '<b class="glosa-code">305</b>' in shown.text


def test_auto_login(server: ServerFactory) -> None:
    h = server(SUCCESS, rules({"outcome": {"auto_login": True}}))
    cb = callback(start(h, demo_post()).text)
    assert cb.action == RETOMA
    id_sesion = cb.values["IdSesionSence"]
    closed = callback(start(h, close_post(id_sesion), action="CerrarSesion").text)
    assert closed.action.endswith("tipo=logout")
    assert "GlosaError" not in closed.names
    # Validation still applies.
    assert glosa_of(start(h, demo_post(CodSence="1")).text) == "204"


def test_delay(server: ServerFactory) -> None:
    h = server(SUCCESS, rules({"outcome": {"delay": 0.4}}))
    began = time.monotonic()
    page = start(h, demo_post())
    assert time.monotonic() - began >= 0.4
    assert "sence-login" in page.text


def test_no_callback_abandoned_login(server: ServerFactory) -> None:
    h = server(SUCCESS, rules({"outcome": {"callback": "none"}}))
    page = start(h, demo_post())
    after = login(h, page.text)
    assert after.status_code == 200
    assert forms(after.text) == []
    assert "Sesión sin retorno (simulada)" in after.text
    body = register(h)
    assert body["registro"][0]["result"] == "no_callback"
    assert body["sesiones"] == []


def test_no_callback_with_auto_login(server: ServerFactory) -> None:
    h = server(SUCCESS, rules({"outcome": {"callback": "none", "auto_login": True}}))
    page = start(h, demo_post())
    assert forms(page.text) == []
    assert register(h)["registro"][0]["result"] == "no_callback"


def test_duplicate_callback(server: ServerFactory) -> None:
    h = server(SUCCESS, rules({"outcome": {"callback": "duplicate"}}))
    page = login(h, start(h, demo_post()).text)
    found = [f for f in forms(page.text) if "sence-callback" in f.attrs.get("class", "")]
    assert [f.id for f in found] == ["sence-callback-dup", "sence-callback"]
    assert found[0].fields == found[1].fields
    assert found[0].action == found[1].action == RETOMA
    assert found[0].attrs["target"] == "sence-dup"


@pytest.mark.parametrize("status", [500, 503])
def test_http_failure(server: ServerFactory, status: int) -> None:
    h = server(SUCCESS, rules({"outcome": {"http_status": status}}))
    response = start(h, demo_post())
    assert response.status_code == status
    assert forms(response.text) == []
    assert register(h)["registro"][0]["result"] == f"http_{status}"


def test_times(server: ServerFactory) -> None:
    h = server(SUCCESS, rules({"outcome": {"glosa": 300}, "times": 2}))
    assert glosa_of(start(h, demo_post()).text) == "300"
    assert glosa_of(start(h, demo_post()).text) == "300"
    assert "sence-login" in start(h, demo_post()).text


def test_sequence_then_normal(server: ServerFactory) -> None:
    h = server(SUCCESS, rules({"sequence": [{"http_status": 503}, {"glosa": 302}, {"auto_login": True}]}))
    assert start(h, demo_post()).status_code == 503
    assert glosa_of(start(h, demo_post()).text) == "302"
    assert callback(start(h, demo_post()).text).action == RETOMA
    assert "sence-login" in start(h, demo_post()).text


@pytest.mark.parametrize(
    ("match", "hit", "miss"),
    [
        ({"action": "close"}, {}, None),
        ({"RunAlumno": "12.345.678-5"}, {}, {"RunAlumno": OTHER_RUN}),
        ({"CodSence": "1238008249"}, {"CodSence": "1238008249", "CodigoCurso": "60718", "LineaCapacitacion": "6"}, {}),
        ({"CodigoCurso": "6071806"}, {}, {"CodSence": "1238008249", "CodigoCurso": "60718", "LineaCapacitacion": "6"}),
        ({"RutOtec": "76543210-3"}, {}, None),
    ],
)
def test_matching(
    server: ServerFactory, match: dict[str, str], hit: dict[str, str], miss: dict[str, str] | None
) -> None:
    h = server(SUCCESS, rules({"match": match, "outcome": {"glosa": 300}}))
    first = start(h, demo_post(**hit))
    if match.get("action") == "close":
        assert "sence-login" in first.text
        assert glosa_of(start(h, close_post("123"), action="CerrarSesion").text) == "300"
        return
    assert glosa_of(first.text) == "300"
    if miss is not None:
        assert "sence-login" in start(h, demo_post(**miss)).text


def test_first_matching_rule_wins_and_used_up_rules_fall_through(server: ServerFactory) -> None:
    h = server(
        SUCCESS,
        rules(
            {"match": {"RunAlumno": RUN}, "outcome": {"glosa": 300}, "times": 1},
            {"outcome": {"glosa": 305}},
        ),
    )
    assert glosa_of(start(h, demo_post()).text) == "300"
    assert glosa_of(start(h, demo_post()).text) == "305"


def test_rule_counters_reset_with_the_world(inprocess: ServerFactory) -> None:
    h = inprocess(SUCCESS, rules({"outcome": {"glosa": 300}, "times": 1}))
    assert glosa_of(start(h, demo_post()).text) == "300"
    h.tenant.reset()
    assert glosa_of(start(h, demo_post()).text) == "300"
    assert started_session(h).action == RETOMA


@pytest.mark.parametrize(
    "bad",
    [
        {"match": {}},
        {"outcome": {"glosa": 300}, "sequence": [{"glosa": 300}]},
        {"sequence": [{"glosa": 300}], "times": 2},
        {"outcome": {"glosa": 999}},
        {"outcome": {"http_status": 404}},
        {"outcome": {"callback": "twice"}},
        {"match": {"RunAlumnoo": RUN}, "outcome": {}},
    ],
)
def test_invalid_rules_are_refused(bad: dict[str, Any]) -> None:
    with pytest.raises(ValidationError):
        RuleSpec.model_validate(bad)


def test_duplicate_applies_to_errors_after_the_login(server: ServerFactory) -> None:
    h = server(SUCCESS, rules({"outcome": {"callback": "duplicate"}}))
    page = login(h, start(h, demo_post()).text, run=OTHER_RUN)
    found = [f for f in forms(page.text) if "sence-callback" in f.attrs.get("class", "")]
    assert [f.values["GlosaError"] for f in found] == ["311", "311"]


def test_no_callback_wins_over_login_errors(server: ServerFactory) -> None:
    h = server(SUCCESS, rules({"outcome": {"callback": "none", "glosa": 312}}))
    after = login(h, start(h, demo_post()).text, run=OTHER_RUN)
    assert forms(after.text) == []
    # Errors SENCE finds before its login page are still sent.
    assert glosa_of(start(h, demo_post(UrlRetoma="x")).text) == "202"
