"""Seeded fuzz of SENCE (RCE endpoints, login page, register) and the Moodle block's pages: no 5xx,
no traceback; afterwards the Moodle world is untouched, the SENCE flow works and a reset restores."""

from __future__ import annotations

import pytest

from tests.fuzz import engine
from tests.fuzz.record import Recorder
from tests.fuzz.targets import VARIANTS, Session, sence_cases
from tests.fuzz.world import (
    assert_world_kept,
    harness,
    read_backs_work,
    reset_gives_the_scenario,
    sence_flow,
    stable_view,
)

EXAMPLES = 250


@pytest.mark.parametrize("variant", sorted(VARIANTS))
def test_sence_routes_survive_the_fuzz(variant: str) -> None:
    session = Session(variant)
    try:
        recorder = Recorder()
        engine.run(session.driver, sence_cases(session), recorder, EXAMPLES, seed=2, observe=session.writes.observe)
        assert sum(recorder.cases.values()) >= EXAMPLES
        assert_world_kept(session.before, stable_view(session.driver.app.tenants.default), session.writes)
        read_backs_work(session.driver)
        sence_flow(harness(session.driver))
        reset_gives_the_scenario(session.driver, session.initial)
        sence_flow(harness(session.driver))
    finally:
        session.close()
