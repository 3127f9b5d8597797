"""Seeded fuzz of the Moodle surface (pages, REST with every function, token.php) and of SENCE (RCE
endpoints, login page, register, the Moodle block's pages): no 5xx, no traceback; afterwards the
world holds only legitimate changes, the surface's demo flow still works and a reset restores."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import pytest
from hypothesis import strategies as st

from tests.fuzz import engine
from tests.fuzz.asgi import Case
from tests.fuzz.record import Recorder
from tests.fuzz.targets import VARIANTS, Session, moodle_cases, sence_cases
from tests.fuzz.world import (
    assert_world_kept,
    harness,
    moodle_flow,
    read_backs_work,
    reset_gives_the_scenario,
    sence_flow,
    stable_view,
)
from tests.harness import Harness


@dataclass(frozen=True)
class Surface:
    cases: Callable[[Session], list[st.SearchStrategy[Case]]]
    examples: int
    seed: int
    flow: Callable[[Harness], None]


SURFACES = {
    "moodle": Surface(moodle_cases, examples=300, seed=1, flow=moodle_flow),
    "sence": Surface(sence_cases, examples=250, seed=2, flow=sence_flow),
}


@pytest.mark.parametrize("variant", sorted(VARIANTS))
@pytest.mark.parametrize("name", sorted(SURFACES))
def test_routes_survive_the_fuzz(name: str, variant: str) -> None:
    surface = SURFACES[name]
    session = Session(variant)
    try:
        recorder = Recorder()
        cases = surface.cases(session)
        engine.run(session.driver, cases, recorder, surface.examples, seed=surface.seed, observe=session.writes.observe)
        assert sum(recorder.cases.values()) >= surface.examples
        assert_world_kept(session.before, stable_view(session.driver.app.tenants.default), session.writes)
        read_backs_work(session.driver)
        if not session.writes.users:  # a fuzzed rename or suspension may legitimately break the flow's user
            surface.flow(harness(session.driver))
        reset_gives_the_scenario(session.driver, session.initial)
        surface.flow(harness(session.driver))
    finally:
        session.close()
