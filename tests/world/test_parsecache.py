"""The parsed-YAML cache: same result from the cache, corrupt or unrepresentable entries ignored, bounded."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import pytest
import yaml

from mockserver.world import fastyaml, parsecache
from mockserver.world.loader import load_scenario_text

SCENARIO = """
name: cached
users:
  - {username: ana, firstname: Ana, email: ana@example.com}
  - {username: bo, idnumber: "007"}
courses:
  - {shortname: c1, fullname: Course 1}
enrolments:
  - {user: ana, course: c1}
"""


def _no_parsing(*args: Any, **kwargs: Any) -> Any:
    raise AssertionError("parsed the YAML again instead of reading the cache")


@pytest.fixture
def cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("MOCKSERVER_CACHE_DIR", str(tmp_path))
    monkeypatch.setattr(parsecache, "MIN_BYTES", 0)
    return tmp_path


def test_a_second_load_reads_the_cache(cache: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    first = load_scenario_text(SCENARIO, "world.yaml").scenario
    entries = list(cache.glob("*.json"))
    assert len(entries) == 1
    with monkeypatch.context() as patched:
        patched.setattr(yaml, "load", _no_parsing)
        assert load_scenario_text(SCENARIO, "world.yaml").scenario == first
    entries[0].write_text("{ not json", encoding="utf-8")  # corrupt: parsed again, stored again
    assert parsecache.cached(SCENARIO) is None
    assert load_scenario_text(SCENARIO, "world.yaml").scenario == first
    assert parsecache.cached(SCENARIO) is not None


def test_what_json_cannot_hold_exactly_is_not_cached(cache: Path) -> None:
    text = SCENARIO + "clock:\n  start: 2026-01-02T03:04:05Z\n"  # a YAML timestamp: a datetime
    load_scenario_text(text, "world.yaml")
    assert list(cache.glob("*.json")) == []
    parsecache.store("x", {"n": float("nan")})
    assert list(cache.glob("*.json")) == []


def test_small_files_and_off_are_never_cached(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("MOCKSERVER_CACHE_DIR", str(tmp_path))
    load_scenario_text(SCENARIO, "world.yaml")  # under MIN_BYTES
    monkeypatch.setattr(parsecache, "MIN_BYTES", 0)
    monkeypatch.setenv("MOCKSERVER_CACHE_DIR", "off")
    load_scenario_text(SCENARIO, "world.yaml")
    assert list(tmp_path.iterdir()) == []


def test_at_most_max_entries_are_kept(cache: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(parsecache, "MAX_ENTRIES", 2)
    for i in range(4):
        parsecache.store(f"text {i}", {"n": i})
        entry = parsecache._entry(f"text {i}")
        assert entry is not None
        os.utime(entry, (i, i))  # a clear order of use, whatever the clock's resolution
    assert len(list(cache.glob("*.json"))) == 2
    assert parsecache.cached("text 3") == {"n": 3}
    assert parsecache.cached("text 0") is None


def test_a_text_yaml_rs_parses_is_not_kept(cache: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # yaml-rs already parses it fast: writing the cache would only add to its first load
    monkeypatch.setattr(fastyaml, "MIN_CHARS", 0)
    text = "users:\n- username: ana\n  firstname: Ana\n"
    assert not fastyaml.risky(text)
    with monkeypatch.context() as patched:
        patched.setattr(yaml, "load", _no_parsing)
        assert load_scenario_text(text, "world.yaml").scenario.users[0].firstname == "Ana"
    assert list(cache.glob("*.json")) == []
