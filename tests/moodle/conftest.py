"""Fixtures of the Moodle tests: ``rest`` starts the REST test world on both transports."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from tests.harness import Harness, ServerFactory
from tests.moodle.util import REST_SCENARIO

RestFactory = Callable[..., Harness]


@pytest.fixture
def rest(server: ServerFactory) -> RestFactory:
    """``rest(**overrides)``: tests/moodle/data/rest.yaml with deep-merged overrides, either transport."""

    def start(**overrides: Any) -> Harness:
        return server(scenario=REST_SCENARIO, overrides=overrides)

    return start


@pytest.fixture
def rest_inprocess(inprocess: ServerFactory) -> RestFactory:
    """Like ``rest`` but in-process only (tests that poke the store or the clock heavily)."""

    def start(**overrides: Any) -> Harness:
        return inprocess(scenario=REST_SCENARIO, overrides=overrides)

    return start
