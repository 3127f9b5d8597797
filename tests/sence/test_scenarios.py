"""The shipped scenarios: each loads and shows what its comment promises."""

from __future__ import annotations

import time

import pytest

from mockserver.world.loader import load_scenario
from tests.harness import DEMO, ServerFactory
from tests.sence.helpers import (
    ERROR,
    OTHER_RUN,
    RETOMA,
    SCENARIOS,
    callback,
    close_post,
    demo_post,
    forms,
    login,
    register,
    scenario,
    start,
)

SHIPPED = sorted(SCENARIOS.glob("sence-*.yaml"))


def test_the_expected_scenarios_ship() -> None:
    names = {path.name for path in SHIPPED}
    assert {
        "sence-success.yaml",
        "sence-autologin.yaml",
        "sence-errors.yaml",
        "sence-scripted.yaml",
        "sence-abandoned.yaml",
        "sence-legacy.yaml",
    } <= names


@pytest.mark.parametrize("path", SHIPPED, ids=lambda p: p.name)
def test_scenario_loads(path: object) -> None:
    load_scenario(path)  # type: ignore[arg-type]


def test_demo_world() -> None:
    world = load_scenario(DEMO).scenario
    block = world.plugins.model_dump()["block_sence"]
    assert block["otec_rut"] == "76543210-3"
    assert block["otec_token"] == "5EEBF607-25A9-4DB2-A4DD-5D31BDAE3220"
    [otec] = world.sence.otecs
    assert (otec.rut, [t.token for t in otec.tokens]) == ("76543210-3", ["5EEBF607-25A9-4DB2-A4DD-5D31BDAE3220"])
    [course] = world.sence.courses
    assert (course.codsence, course.codigocurso, course.linea) == ("1238008244", "6071806", 3)
    assert course.participantes == ["12345678-5", "18765432-7"]
    assert {(s.run, s.password) for s in world.sence.students} == {("12345678-5", "demo"), ("18765432-7", "demo")}
    demo_course = next(c for c in world.courses if c.id == 2)
    assert demo_course.shortname == "SENCE-DEMO"
    assert demo_course.customfields == {"codsence": "1238008244", "codcurso": "6071806", "lineacap": "3"}


def test_demo_execution_dates_cover_today(server: ServerFactory) -> None:
    h = server(DEMO)
    assert "sence-login" in start(h, demo_post()).text


def test_autologin(server: ServerFactory) -> None:
    h = server(scenario("sence-autologin.yaml"))
    cb = callback(start(h, demo_post()).text)
    assert cb.action == RETOMA
    closed = callback(start(h, close_post(cb.values["IdSesionSence"]), action="CerrarSesion").text)
    assert "GlosaError" not in closed.names


def test_abandoned(server: ServerFactory) -> None:
    h = server(scenario("sence-abandoned.yaml"))
    after = login(h, start(h, demo_post()).text)
    assert forms(after.text) == []
    assert register(h)["registro"][0]["result"] == "no_callback"


def test_scripted(server: ServerFactory) -> None:
    h = server(scenario("sence-scripted.yaml"))
    assert start(h, demo_post()).status_code == 503
    began = time.monotonic()
    slow = start(h, demo_post())
    assert time.monotonic() - began >= 2
    assert "sence-login" in slow.text
    codes = [callback(start(h, demo_post(RunAlumno=OTHER_RUN)).text).values["GlosaError"] for _ in range(3)]
    assert codes == ["300", "305", "304"]
    page = start(h, demo_post(RunAlumno=OTHER_RUN))
    assert callback(login(h, page.text, run=OTHER_RUN).text).values["GlosaError"] == "312"
    id_sesion = callback(login(h, start(h, demo_post()).text).text).values["IdSesionSence"]
    closing = login(h, start(h, close_post(id_sesion), action="CerrarSesion").text)
    assert [f.id for f in forms(closing.text)] == ["sence-callback-dup", "sence-callback"]


def test_legacy(server: ServerFactory) -> None:
    h = server(scenario("sence-legacy.yaml"))
    page = start(h, demo_post())
    for password in ("a", "b"):
        page = login(h, page.text, password=password)
    assert callback(login(h, page.text, password="c").text).values["GlosaError"] == "100"


def test_errors_scenario_sample(server: ServerFactory) -> None:
    h = server(scenario("sence-errors.yaml"))
    assert callback(start(h, demo_post(CodSence="1238008248", CodigoCurso="6071810")).text).action == ERROR
