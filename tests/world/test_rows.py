"""Compact rows of the large lists: validated without pydantic only when pydantic would give the same values."""

from __future__ import annotations

import json
import pickle
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from pydantic import BaseModel, ValidationError

from mockserver.world import loader
from mockserver.world.loader import load_scenario_text
from mockserver.world.rows import Row, fast_rows, row_class, to_row
from mockserver.world.spec import CourseSpec, EnrolmentSpec, UserSpec

MODELS = (UserSpec, CourseSpec, EnrolmentSpec)

_values = st.one_of(
    st.text(max_size=4),
    st.sampled_from(["student", "teacher", "manual", "self", "active", "suspended", "\ud800", "yes", "1"]),
    st.integers(min_value=-(2**70), max_value=2**70),
    st.booleans(),
    st.none(),
    st.floats(allow_nan=False),
    st.lists(st.integers(), max_size=2),
    st.dictionaries(st.text(max_size=2), st.text(max_size=2), max_size=2),
)


def _items(model: type[BaseModel]) -> st.SearchStrategy[dict[str, Any]]:
    """The model's required keys (mostly with valid strings) plus up to four of any keys, any value."""
    required = [name for name, field in model.model_fields.items() if field.is_required()]
    base = st.fixed_dictionaries({name: st.one_of(st.text(max_size=3), _values) for name in required})
    keys = st.sampled_from([*model.model_fields, "colour"])
    return st.builds(lambda a, b: {**a, **b}, base, st.dictionaries(keys, _values, max_size=4))


def _pydantic(model: type[BaseModel], items: list[Any]) -> list[Any] | None:
    try:
        return [to_row(model.model_validate(item)) for item in items]
    except (ValidationError, UnicodeEncodeError):
        return None


@pytest.mark.parametrize("model", MODELS, ids=lambda m: m.__name__)
@settings(max_examples=300, deadline=None)
@given(data=st.data())
def test_fast_rows_accept_only_what_pydantic_returns_unchanged(model: type[BaseModel], data: st.DataObject) -> None:
    items = data.draw(st.lists(_items(model), min_size=1, max_size=4))
    fast = fast_rows(model, items)
    if fast is not None:  # taken only when pydantic agrees, value for value
        assert fast == _pydantic(model, items)


def test_plain_items_take_the_fast_path_with_defaults() -> None:
    items = [{"user": "ana", "course": "c1"}, {"user": "bo", "course": "c1", "role": "teacher", "lastaccess": 5}]
    rows = fast_rows(EnrolmentSpec, items)
    assert rows is not None and rows == _pydantic(EnrolmentSpec, items)
    assert (rows[0].role, rows[1].role, rows[0].lastaccess, rows[1].lastaccess) == ("student", "teacher", None, 5)
    assert rows[0].course is rows[1].course  # repeated strings kept once


@pytest.mark.parametrize(
    "item",
    [
        {"user": "ana"},  # required key missing
        {"user": "ana", "course": "c1", "colour": "blue"},  # unknown key
        {"user": "ana", "course": "c1", "role": "guest"},  # not one of the literals
        {"user": "ana", "course": "c1", "timestart": "5"},  # pydantic would coerce it
        {"user": "ana", "course": "c1", "timestart": True},
        {"user": 5, "course": "c1"},
        {"user": "\ud800", "course": "c1"},
        {"user": "ana", "course": "c1", "completed": [1]},  # a nested value: pydantic's
    ],
)
def test_anything_else_is_left_to_pydantic(item: dict[str, Any]) -> None:
    assert fast_rows(EnrolmentSpec, [{"user": "x", "course": "y"}, item]) is None


def test_rows_read_like_their_models() -> None:
    model = UserSpec(username="ana", profile={"runalumno": "1-9"}, capabilities=["x"])
    row = to_row(model)
    assert isinstance(row, row_class(UserSpec) or type(None))
    assert {name: getattr(row, name) for name in UserSpec.model_fields} == dict(model)
    assert row.model() == model
    assert pickle.loads(pickle.dumps(row)) == row  # the start-up cache pickles what a load validated
    assert type(pickle.loads(pickle.dumps(row))) is type(row)
    assert "username='ana'" in repr(row)


def test_a_large_world_is_held_as_rows_and_dumps_like_models(monkeypatch: pytest.MonkeyPatch) -> None:
    users = [{"username": f"u{i}", "email": f"u{i}@example.com"} for i in range(30)]
    users[7] = {"username": "u7", "profile": {"runalumno": "1-9"}}  # its chunk goes through pydantic
    world = {
        "name": "rows",
        "users": users,
        "courses": [{"shortname": "c1", "fullname": "Course 1"}],
        "enrolments": [{"user": f"u{i}", "course": "c1"} for i in range(30)],
    }
    text = json.dumps(world)
    whole = load_scenario_text(text, "rows.json").scenario
    monkeypatch.setattr(loader, "LARGE_LIST", 20)
    monkeypatch.setattr(loader, "_CHUNK", 8)
    large = load_scenario_text(text, "rows.json").scenario
    assert all(isinstance(item, Row) for item in (*large.users, *large.enrolments))
    assert not isinstance(large.courses[0], Row)  # a short list stays models
    assert large.users[7].profile == {"runalumno": "1-9"}
    assert large.model_dump() == whole.model_dump()
    assert large.model_dump_json() == whole.model_dump_json()
