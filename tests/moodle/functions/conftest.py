"""Fixtures of the provisioning-function tests: the world of tests/moodle/data/provisioning.yaml."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from tests.harness import Harness, ServerFactory
from tests.moodle.functions.util import PROVISIONING

ProvFactory = Callable[..., Harness]


@pytest.fixture
def prov(server: ServerFactory) -> ProvFactory:
    """``prov(**overrides)``: the provisioning world (debug normal) on both transports."""

    def start(**overrides: Any) -> Harness:
        moodle = {"debug": "normal", **overrides.pop("moodle", {})}
        return server(scenario=PROVISIONING, overrides={"moodle": moodle, **overrides})

    return start


@pytest.fixture
def prov_inprocess(inprocess: ServerFactory) -> ProvFactory:
    """Like ``prov`` but in-process only: the tables of errors and validation paths."""

    def start(**overrides: Any) -> Harness:
        moodle = {"debug": "normal", **overrides.pop("moodle", {})}
        return inprocess(scenario=PROVISIONING, overrides={"moodle": moodle, **overrides})

    return start
