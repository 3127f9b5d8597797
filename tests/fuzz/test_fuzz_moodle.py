"""Seeded fuzz of the Moodle surface (pages, REST with every function, token.php): no 5xx, no
traceback, and afterwards the world holds only legitimate changes and the demo flow still works."""

from __future__ import annotations

import pytest

from tests.fuzz import engine
from tests.fuzz.record import Recorder
from tests.fuzz.targets import VARIANTS, Session, moodle_cases
from tests.fuzz.world import (
    assert_world_kept,
    harness,
    moodle_flow,
    read_backs_work,
    reset_gives_the_scenario,
    stable_view,
)

EXAMPLES = 300


@pytest.mark.parametrize("variant", sorted(VARIANTS))
def test_moodle_routes_survive_the_fuzz(variant: str) -> None:
    session = Session(variant)
    try:
        recorder = Recorder()
        engine.run(session.driver, moodle_cases(session), recorder, EXAMPLES, seed=1, observe=session.writes.observe)
        assert sum(recorder.cases.values()) >= EXAMPLES
        tenant = session.driver.app.tenants.default
        assert_world_kept(session.before, stable_view(tenant), session.writes)
        read_backs_work(session.driver)
        if not session.writes.users:
            moodle_flow(harness(session.driver))
        reset_gives_the_scenario(session.driver, session.initial)
        moodle_flow(harness(session.driver))
    finally:
        session.close()
