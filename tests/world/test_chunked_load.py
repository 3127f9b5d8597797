"""Large lists validate a chunk at a time (less peak memory) with exactly the whole-document result and errors."""

from __future__ import annotations

from pathlib import Path

import pytest

from mockserver.world import loader
from mockserver.world.loader import ScenarioError, load_scenario, load_scenario_text

DEMO = Path(__file__).resolve().parents[2] / "scenarios" / "demo.yaml"

BROKEN = """
name: broken
users:
  - {username: ana}
  - {username: bo, suspended: maybe}
  - {username: cy, colour: blue}
courses:
  - {shortname: c1, fullname: Course 1}
enrolments:
  - {user: ana, course: c1}
  - {user: nobody, course: c1}
"""


def _chunked(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(loader, "LARGE_LIST", 1)
    monkeypatch.setattr(loader, "_CHUNK", 1)


def test_chunked_validation_gives_the_same_scenario(monkeypatch: pytest.MonkeyPatch) -> None:
    whole = load_scenario(DEMO).scenario
    _chunked(monkeypatch)
    chunked = load_scenario(DEMO).scenario
    assert chunked == whole
    assert chunked.model_fields_set == whole.model_fields_set


def test_chunked_validation_reports_the_same_problems(monkeypatch: pytest.MonkeyPatch) -> None:
    with pytest.raises(ScenarioError) as whole:
        load_scenario_text(BROKEN, "broken.yaml")
    _chunked(monkeypatch)
    with pytest.raises(ScenarioError) as chunked:
        load_scenario_text(BROKEN, "broken.yaml")
    assert chunked.value.problems == whole.value.problems
    assert len(whole.value.problems) == 3
