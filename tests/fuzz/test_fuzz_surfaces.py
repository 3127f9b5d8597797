"""Seeded fuzz of the Moodle surface (pages, REST with every function, token.php) and of SENCE (RCE
endpoints, login page, register, the Moodle block's pages): no 5xx, no traceback; afterwards the
world holds only legitimate changes, the surface's demo flow still works and a reset restores."""

from __future__ import annotations

import pytest

from tests.fuzz import engine
from tests.fuzz.record import Recorder
from tests.fuzz.targets import SURFACES, VARIANTS, Session, check_after_fuzz


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
        check_after_fuzz(session, surface)
    finally:
        session.close()
