"""The fuzz targets every route the server has: a route added without a fuzz target fails here."""

from __future__ import annotations

from starlette.routing import Route

from mockserver.moodle.webservice.registry import registry
from mockserver.routes import all_routes
from tests.fuzz import moodle, sence
from tests.fuzz.engine import run
from tests.fuzz.record import Recorder
from tests.fuzz.targets import Session, moodle_cases, sence_cases


def _targets() -> set[str]:
    paths = {*moodle.PAGES, moodle.REST, "/login/token.php", *sence.BLOCK, "/rce/registro", "/rce/registro.json"}
    paths |= {f"/{env}/Registro/{endpoint}" for env in ("rce", "rcetest") for endpoint in sence.ENDPOINTS}
    return paths


def test_every_route_of_the_app_is_a_fuzz_target() -> None:
    routes = {route.path for route in all_routes() if isinstance(route, Route)}
    assert routes == _targets()


def test_a_short_run_reaches_every_target_and_every_function() -> None:
    session = Session()
    try:
        recorder = Recorder()
        run(session.driver, moodle_cases(session), recorder, 400, seed=5)
        run(session.driver, sence_cases(session), recorder, 200, seed=6)
    finally:
        session.close()
    reached = {label.split(" ", 1)[1] for label in recorder.cases if label.startswith(("page", "sence", "block_sence"))}
    assert _targets() - {moodle.REST, "/login/token.php"} <= reached
    assert "login/token.php" in recorder.cases
    assert {f"rest {name}" for name in registry()} <= set(recorder.cases)
