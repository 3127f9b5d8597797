"""yaml-rs parses a large file only when it reads it exactly as the loader's PyYAML path does."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from mockserver.world import fastyaml, loader
from mockserver.world.loader import ScenarioError, load_scenario_text

ROOT = Path(__file__).resolve().parents[2]


def _pyyaml(text: str) -> Any:
    """What the loader's PyYAML path reads (an empty document: ``{}``, as the loader takes it)."""
    try:
        data = yaml.load(text, Loader=loader._FastLoader)
    except (yaml.YAMLError, loader._Duplicate, TypeError):  # TypeError: a list or mapping as a key
        return "error"
    return {} if data is None else data


# Plain scalars and syntax YAML 1.1 (PyYAML) and 1.2 (yaml-rs) read alike or not.
_SCALARS = [
    *["yes", "No", "ON", "off", "y", "n", "true", "False", "NULL", "null", "~", "Null"],
    *["0", "7", "-3", "+4", "0777", "012", "09", "0o17", "0x1f", "0b101", "1_000", "1:30", "12:30:45"],
    *["1e5", "1.0e+5", "1.5", "-.5", ".5", "0.", ".inf", ".NaN", "123456789012345678901234567890"],
    *["2024-01-02", "2024-01-02T03:04:05Z", "2001-12-14 21:59:43.10 -5"],
    *["u1", "Course_1", "a@b.c", "http://x/y", "a:b", "-", "--", "=", "<<", "?", ":", "&", "*a", "&a"],
    *["!!str", "!x", "%x", "@x", "`x"],
    *['"yes"', "'0777'", '"a\\tb"', '"\\x41"', "'it''s'", '""', "''"],
    "|\n  yes\n",
    ">\n  1:30\n",
    "a b",
    "x # yes",
    "\x85",
    "\u2028x",
    "\x7f",
    "\ufeffx",
    "\t",
]
_KEYS = ["name", "1", "true", "null", "~", "yes", "on", "<<", "=", "? k", "a b", '"1"', "'true'", "k"]


@st.composite
def _documents(draw: st.DrawFn, depth: int = 0) -> str:
    """A block mapping or sequence of the scalars above, sometimes in flow style, nested."""
    scalar = st.sampled_from(_SCALARS)
    indent = "  " * depth
    lines = []
    for _ in range(draw(st.integers(1, 4))):
        kind = draw(st.sampled_from(["key", "item", "flow", "nested"] if depth < 2 else ["key", "item", "flow"]))
        if kind == "key":
            lines.append(f"{indent}{draw(st.sampled_from(_KEYS))}: {draw(scalar)}")
        elif kind == "item":
            lines.append(f"{indent}- {draw(scalar)}")
        elif kind == "flow":
            items = ", ".join(f"{draw(st.sampled_from(_KEYS))}: {draw(scalar)}" for _ in range(draw(st.integers(0, 3))))
            lines.append(f"{indent}{draw(st.sampled_from(_KEYS))}: {{{items}}}")
        else:
            lines.append(f"{indent}{draw(st.sampled_from(_KEYS))}:\n{draw(_documents(depth + 1))}")
    return "\n".join(lines) + draw(st.sampled_from(["\n", "", "\n---\n", "\n...\n"]))


@settings(max_examples=600, deadline=None)
@given(text=_documents())
def test_what_yaml_rs_parses_equals_pyyaml(text: str) -> None:
    fast = fastyaml.load(text, min_chars=0)
    if fast is not None:
        assert fast == _pyyaml(text), text


@pytest.mark.parametrize(
    "text",
    [
        "a: yes\n",
        "a: 0777\n",
        "a: 1e5\n",
        "a: 2024-01-02\n",
        "a: 1:30\n",
        "1: a\n",
        "true: a\n",
        "a: &x 1\nb: *x\n",
        "a: !!binary aGk=\n",
        "a: 1\n---\nb: 2\n",
        'a: "\x01"\n',
        "a: x\u2028b\n",
        "a: -.5\n",
        "<<: {b: 1}\n",
    ],
)
def test_what_the_two_read_differently_is_left_to_pyyaml(text: str) -> None:
    assert fastyaml.risky(text)
    assert fastyaml.load(text, min_chars=0) is None


def test_plain_scenarios_are_not_flagged() -> None:
    text = (ROOT / "scenarios" / "demo.yaml").read_text(encoding="utf-8")
    plain = "users:\n- {username: u1, firstname: F, lastname: '1', id: 12, email: u1@example.com}\n- username: u2\n"
    assert fastyaml.load(plain, min_chars=0) == _pyyaml(plain)
    assert isinstance(fastyaml.risky(text), bool)
    assert fastyaml.load(plain) is None  # small: PyYAML


def _large(users: int, extra: str = "") -> str:
    rows = "".join(f"- username: u{i}\n  email: u{i}@example.com\n  firstname: F\n" for i in range(users))
    return f"name: large\nusers:\n{rows}{extra}"


def test_a_large_file_loads_through_yaml_rs_with_the_same_scenario(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("MOCKSERVER_CACHE_DIR", "off")
    text = _large(200)
    calls: list[str] = []
    real = fastyaml.load
    monkeypatch.setattr(fastyaml, "load", lambda t: calls.append("fast") or real(t, min_chars=0))
    fast = load_scenario_text(text, "large.yaml").scenario
    assert calls == ["fast"]
    monkeypatch.setattr(fastyaml, "load", lambda t: None)
    slow = load_scenario_text(text, "large.yaml").scenario
    assert fast.model_dump() == slow.model_dump()


def test_errors_in_a_large_file_are_pyyaml_s_with_lines(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("MOCKSERVER_CACHE_DIR", "off")
    monkeypatch.setattr(fastyaml, "MIN_CHARS", 0)
    monkeypatch.setattr(loader, "LARGE_LIST", 10)
    text = _large(20, "- username: u3\n  colour: blue\n")
    with pytest.raises(ScenarioError) as raised:
        load_scenario_text(text, "large.yaml")
    monkeypatch.setattr(fastyaml, "load", lambda t: None)
    with pytest.raises(ScenarioError) as slow:
        load_scenario_text(text, "large.yaml")
    assert [str(p) for p in raised.value.problems] == [str(p) for p in slow.value.problems]
    assert [str(p) for p in raised.value.problems] == [
        "large.yaml:12: users.3.username: username 'u3' is defined more than once",
        "large.yaml:63: users.20.username: username 'u3' is defined more than once",
        "large.yaml:64: users.20.colour: unknown key (did you mean `country`?)",
    ]


_PLAIN = ["u1", "Course_1", "a@b.c", "7", "-3", "1.5", "'0777'", '"yes"', "x\n  y", "|\n  x\n  y\n", "{a: 1, b: [c]}"]
_ITEM_VALUES = st.one_of(
    st.sampled_from(_PLAIN),
    st.sampled_from([*_SCALARS, '"multi\nline"', "'multi\n- line'", "[a,\n- b]", "{a: 1,\nb: 2}", "|\n  x\n- y"]),
)


@st.composite
def _worlds(draw: st.DrawFn) -> str:
    """A mapping at column 0 whose keys hold sequences at column 0 (as ``yaml.dump`` writes a world),
    with comments, blank lines and values that span lines in between."""
    parts = []
    keys = st.sampled_from(["users", "courses", "enrolments", "name", "1", "users"])
    for key in draw(st.lists(keys, min_size=1, max_size=3)):
        parts.append(f"{key}:{draw(st.sampled_from(['', '', '', ' x', ' [a]']))}\n")
        for _ in range(draw(st.integers(0, 8))):
            value = draw(_ITEM_VALUES)
            nested = draw(st.booleans())
            parts.append(f"- k: {value}\n  j: 1\n" if nested else f"- {value}\n")
            parts.append(draw(st.sampled_from(["", "", "", "# c\n", "\n", "  # c\n", "  - x\n", "x\n"])))
    return "".join(parts)


@settings(max_examples=600, deadline=None)
@given(text=_worlds(), size=st.integers(1, 40))
def test_a_text_parsed_in_pieces_equals_pyyaml(text: str, size: int) -> None:
    fast = fastyaml.load(text, min_chars=0, piece_chars=size)
    if fast is not None:
        assert fast == _pyyaml(text), text


def test_pieces_are_cut_before_items_only() -> None:
    text = "name: x\nusers:\n- a\n- b\n# c\n- c\ncourses:\n- d\n- e\n"
    pieces = fastyaml._pieces(text, 1)
    assert "".join(pieces) == text
    assert pieces == ["name: x\nusers:\n- a\n", "- b\n# c\n", "- c\n", "courses:\n- d\n", "- e\n"]
    assert fastyaml.load(text, min_chars=0, piece_chars=1) == _pyyaml(text)


def test_a_list_as_a_key_is_a_problem_not_a_crash() -> None:
    with pytest.raises(ScenarioError) as raised:
        load_scenario_text("name: a\nusers:\n- ?\n  - x\n", "keys.yaml")
    assert [str(p) for p in raised.value.problems] == ["keys.yaml:4: users.0: found unhashable key"]
