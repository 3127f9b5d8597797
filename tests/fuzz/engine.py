"""Runs a strategy of cases against a driver under hypothesis, seeded, with no example database."""

from __future__ import annotations

import warnings
from collections.abc import Callable

from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import seed as hypothesis_seed
from hypothesis import strategies as st
from hypothesis.errors import HypothesisWarning

from tests.fuzz.asgi import Case, Driver, Outcome
from tests.fuzz.record import Recorder

Observer = Callable[[Case, Outcome], None]


def run(
    driver: Driver,
    targets: list[st.SearchStrategy[Case]],
    recorder: Recorder,
    examples: int,
    seed: int = 0,
    observe: Observer | None = None,
    before: Callable[[], None] | None = None,
) -> None:
    """``examples`` cases shared evenly by the targets (one hypothesis run each: its choice among
    many branches of a ``one_of`` is far from even), the same cases for the same seed; a strict
    recorder makes hypothesis shrink the first bad case to a minimal one. ``before`` runs ahead of
    each case (e.g. re-create a tenant)."""
    each = -(-examples // len(targets))
    for index, cases in enumerate(targets):
        _run_one(driver, cases, recorder, each, seed * 1000 + index, observe, before)


def _run_one(
    driver: Driver,
    cases: st.SearchStrategy[Case],
    recorder: Recorder,
    examples: int,
    seed: int,
    observe: Observer | None,
    before: Callable[[], None] | None,
) -> None:

    @hypothesis_seed(seed)
    @settings(
        max_examples=examples,
        database=None,
        deadline=None,
        derandomize=False,
        phases=(Phase.generate, Phase.shrink),
        suppress_health_check=list(HealthCheck),
        report_multiple_bugs=False,
    )
    @given(cases)
    def one(case: Case) -> None:
        if before is not None:
            before()
        outcome = driver.send(case)
        if observe is not None:
            observe(case, outcome)
        recorder.check(case, outcome)

    with warnings.catch_warnings():
        # The parameter strategies of big functions are deep trees; their repr is only for reports.
        warnings.filterwarnings("ignore", "Generating overly large repr", HypothesisWarning)
        one()
