"""The cache of validated scenarios (mockserver/world/loadcache.py): the same result as loading, reused
only while the scenario, its fixtures and the code are unchanged; failures never kept; bounded; an
entry someone else could have written is never read."""

from __future__ import annotations

import os
import time
from pathlib import Path
from typing import Any

import pytest

from mockserver.world import loadcache
from mockserver.world.loader import ScenarioError
from mockserver.world.loader import load_scenario as load_uncached

SCENARIO = """\
name: cached
fixtures: [people.yaml]
services:
  - name: s
    functions: [core_webservice_get_site_info, auth_userkey_request_login_ur]
courses:
  - {shortname: c1, fullname: Course 1}
enrolments:
  - {user: ana, course: c1}
"""
PEOPLE = "users:\n  - {username: ana, firstname: Ana, email: ana@example.com}\n"
LONG_AGO = time.time() - 3600


def _no_loading(*args: Any, **kwargs: Any) -> Any:
    raise AssertionError("validated the files again instead of reading the cache")


def _write(path: Path, text: str, when: float = LONG_AGO) -> Path:
    path.write_text(text, encoding="utf-8")
    os.utime(path, (when, when))  # written before the load began: a fixture's entry may be kept
    return path


@pytest.fixture
def cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    folder = tmp_path / "cache"
    monkeypatch.setenv("MOCKSERVER_CACHE_DIR", str(folder))
    return folder


@pytest.fixture
def scenario(tmp_path: Path) -> Path:
    _write(tmp_path / "people.yaml", PEOPLE)
    return _write(tmp_path / "world.yaml", SCENARIO)


def _entries(cache: Path) -> list[Path]:
    return sorted(cache.glob("*.loaded"))


def test_a_second_load_is_the_first_ones_result(cache: Path, scenario: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    first = loadcache.load_scenario(scenario)
    assert len(_entries(cache)) == 1
    monkeypatch.setattr(loadcache, "load_scenario_text", _no_loading)
    second = loadcache.load_scenario(scenario)
    uncached = load_uncached(scenario)
    assert second.scenario == first.scenario == uncached.scenario
    assert [u.username for u in second.scenario.users] == ["ana"]
    assert second.files == first.files == uncached.files == [scenario, scenario.parent / "people.yaml"]
    assert [str(w) for w in second.warnings] == [str(w) for w in uncached.warnings]
    assert len(second.warnings) == 1 and "auth_userkey_request_login_ur" in str(second.warnings[0])


def test_an_edited_scenario_is_loaded_again(cache: Path, scenario: Path) -> None:
    loadcache.load_scenario(scenario)
    _write(scenario, SCENARIO.replace("Course 1", "Course one"))
    assert loadcache.load_scenario(scenario).scenario.courses[0].fullname == "Course one"
    assert len(_entries(cache)) == 2


def test_an_edited_or_removed_fixture_is_loaded_again(cache: Path, scenario: Path) -> None:
    loadcache.load_scenario(scenario)
    people = scenario.parent / "people.yaml"
    _write(people, PEOPLE.replace("Ana", "Anna"))
    assert loadcache.load_scenario(scenario).scenario.users[0].firstname == "Anna"
    people.unlink()
    with pytest.raises(ScenarioError) as raised:
        loadcache.load_scenario(scenario)
    with pytest.raises(ScenarioError) as expected:
        load_uncached(scenario)
    assert str(raised.value) == str(expected.value)
    assert "file not found" in str(raised.value)


def test_a_fixture_written_as_the_load_began_is_not_kept(cache: Path, scenario: Path) -> None:
    # The text hashed after the load may not be the text validated: no entry rather than a wrong one.
    _write(scenario.parent / "people.yaml", PEOPLE, when=time.time())
    assert [u.username for u in loadcache.load_scenario(scenario).scenario.users] == ["ana"]
    assert _entries(cache) == []


def test_other_code_or_another_folder_is_another_entry(
    cache: Path, scenario: Path, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    loadcache.load_scenario(scenario)
    monkeypatch.setattr(loadcache, "_code_fingerprint", lambda: "edited code")
    loadcache.load_scenario(scenario)
    monkeypatch.chdir(tmp_path)
    loadcache.load_scenario(scenario)
    assert len(_entries(cache)) == 3


def test_a_failed_load_is_never_kept(cache: Path, tmp_path: Path) -> None:
    bad = _write(tmp_path / "bad.yaml", "name: bad\nusers: [{username: ana, nonsense: 1}]\n")
    for _ in range(2):
        with pytest.raises(ScenarioError) as raised:
            loadcache.load_scenario(bad)
        with pytest.raises(ScenarioError) as expected:
            load_uncached(bad)
        assert str(raised.value) == str(expected.value)
    assert _entries(cache) == []


def test_a_corrupt_entry_is_a_miss(cache: Path, scenario: Path) -> None:
    loadcache.load_scenario(scenario)
    (entry,) = _entries(cache)
    entry.write_bytes(entry.read_bytes()[:100])
    assert [u.username for u in loadcache.load_scenario(scenario).scenario.users] == ["ana"]


def test_an_entry_others_may_write_is_never_read(cache: Path, scenario: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    loadcache.load_scenario(scenario)
    (entry,) = _entries(cache)
    entry.chmod(0o666)
    loaded: list[str] = []
    real = loadcache.load_scenario_text
    monkeypatch.setattr(loadcache, "load_scenario_text", lambda *a, **k: loaded.append("again") or real(*a, **k))
    loadcache.load_scenario(scenario)
    assert loaded == ["again"]


def test_off_keeps_nothing(monkeypatch: pytest.MonkeyPatch, scenario: Path, tmp_path: Path) -> None:
    monkeypatch.setenv("MOCKSERVER_CACHE_DIR", "off")
    assert [u.username for u in loadcache.load_scenario(scenario).scenario.users] == ["ana"]
    assert list(tmp_path.rglob("*.loaded")) == []


def test_bounded_least_recently_used_first(cache: Path, scenario: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(loadcache, "MAX_ENTRIES", 2)
    for i in range(4):
        _write(scenario, SCENARIO.replace("Course 1", f"Course {i}"), when=LONG_AGO + i)
        loadcache.load_scenario(scenario)
        for n, entry in enumerate(sorted(_entries(cache), key=lambda p: p.stat().st_mtime)):
            os.utime(entry, (LONG_AGO + n, LONG_AGO + n))  # distinct ages whatever the clock's resolution
    assert len(_entries(cache)) == 2
    monkeypatch.setattr(loadcache, "load_scenario_text", _no_loading)
    assert loadcache.load_scenario(scenario).scenario.courses[0].fullname == "Course 3"


def test_a_large_scenario_is_left_to_the_parse_cache(
    cache: Path, scenario: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(loadcache, "MAX_BYTES", len(SCENARIO) + len(PEOPLE) - 1)  # the scenario fits, not both
    loadcache.load_scenario(scenario)
    assert _entries(cache) == []
