"""The fault format: one action or a sequence, consistent combinations, limits."""

from __future__ import annotations

from typing import Any

import pytest
from pydantic import ValidationError

from mockserver.admin.faultspec import ActionSpec, DelayRange, FaultSpec


def fault(**data: Any) -> FaultSpec:
    return FaultSpec.model_validate(data)


def test_inline_action_and_limit() -> None:
    spec = fault(match={"wsfunction": "x"}, status=503, body="down", times=2)
    assert spec.limit == 2
    assert spec.action_for(0) is spec
    assert spec.action_for(5) is spec


def test_sequence_steps_and_ends() -> None:
    spec = fault(sequence=[None, {"status": 500}, {"close": True}])
    assert spec.limit == 3
    assert spec.action_for(0) is None
    step = spec.action_for(1)
    assert isinstance(step, ActionSpec) and step.status == 500
    assert spec.action_for(3) is None


def test_random_delay_range() -> None:
    spec = fault(delay={"min": 0.1, "max": 0.2})
    assert spec.delay == DelayRange(min=0.1, max=0.2)


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({}, "a fault needs an action"),
        ({"match": {"path": "/x"}}, "a fault needs an action"),
        ({"close": True, "status": 500}, "close sends no response"),
        ({"malformed": "invalid_json", "body": "x"}, "malformed makes its own body"),
        ({"malformed": "truncated", "status": 500}, "truncated keeps the real status"),
        ({"status": 500, "sequence": [{"status": 503}]}, "either a sequence or inline"),
        ({"sequence": []}, "sequence must not be empty"),
        ({"delay": {"min": 2, "max": 1}}, "max must not be less than min"),
        ({"status": 99}, "greater than or equal to 100"),
        ({"status": 500, "probability": 1.5}, "less than or equal to 1"),
        ({"status": 500, "malformed": "broken"}, "Input should be"),
        ({"status": 500, "surprise": 1}, "Extra inputs are not permitted"),
        ({"status": 500, "id": "no spaces"}, "String should match pattern"),
    ],
)
def test_invalid_faults_are_explained(data: dict[str, Any], message: str) -> None:
    with pytest.raises(ValidationError) as info:
        fault(**data)
    assert message in str(info.value)
