"""Large lists validate a chunk at a time (less peak memory) with exactly the whole-document result and errors."""

from __future__ import annotations

from pathlib import Path

import pytest

from mockserver.world import loader
from mockserver.world.loader import ScenarioError, load_scenario, load_scenario_text
from mockserver.world.rows import Row

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
    # the large lists are rows (mockserver/world/rows.py), not models: the same data, read the same way
    assert isinstance(chunked.users[0], Row) and isinstance(chunked.enrolments[0], Row)
    assert chunked.model_dump() == whole.model_dump()
    assert chunked.model_dump_json() == whole.model_dump_json()
    for name in ("users", "courses", "enrolments"):
        for row, model in zip(getattr(chunked, name), getattr(whole, name), strict=True):
            assert {field: getattr(row, field) for field in type(model).model_fields} == dict(model)
    assert chunked.model_copy(update={name: [] for name in ("users", "courses", "enrolments")}) == whole.model_copy(
        update={name: [] for name in ("users", "courses", "enrolments")}
    )
    assert chunked.model_fields_set == whole.model_fields_set


def test_chunked_validation_reports_the_same_problems(monkeypatch: pytest.MonkeyPatch) -> None:
    with pytest.raises(ScenarioError) as whole:
        load_scenario_text(BROKEN, "broken.yaml")
    _chunked(monkeypatch)
    with pytest.raises(ScenarioError) as chunked:
        load_scenario_text(BROKEN, "broken.yaml")
    assert chunked.value.problems == whole.value.problems
    assert len(whole.value.problems) == 3
