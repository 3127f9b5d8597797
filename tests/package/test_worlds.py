"""Shipped worlds: lookup by name or path, `mockserver scenarios`, `mockserver init`, the plugin's lookup."""

from __future__ import annotations

from pathlib import Path

import pytest

from mockserver.cli import main
from mockserver.world.loader import load_scenario
from mockserver.worlds import ScenarioNotFound, find_scenario, shipped, shipped_dir, shipped_scenarios

ROOT = Path(__file__).resolve().parents[2]


def test_source_checkout_ships_the_repository_folders() -> None:
    assert shipped_dir() == ROOT / "scenarios"
    assert [p.name for p in shipped_scenarios()] == sorted(p.name for p in (ROOT / "scenarios").glob("*.yaml"))


def test_find_by_name_and_by_path(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    assert find_scenario("demo") == ROOT / "scenarios" / "demo.yaml"
    assert find_scenario("sence-success.yaml") == ROOT / "scenarios" / "sence-success.yaml"
    mine = tmp_path / "demo"  # a file in the working directory wins over the shipped name
    mine.write_text("name: mine\n", encoding="utf-8")
    assert find_scenario("demo") == mine
    assert find_scenario(str(ROOT / "scenarios" / "demo.yaml")) == ROOT / "scenarios" / "demo.yaml"
    assert shipped("../fixtures/demo-users") is None


def test_missing_scenario_names_every_place(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    with pytest.raises(ScenarioNotFound) as caught:
        find_scenario("nope", (tmp_path / "tests",))
    assert str(caught.value) == (
        f"scenario 'nope' not found (looked at: {tmp_path / 'tests' / 'nope'}, {tmp_path / 'nope'}, "
        f"{ROOT / 'scenarios' / 'nope.yaml'}; `mockserver scenarios` lists the shipped ones)"
    )


def test_serve_reports_a_missing_scenario_in_one_line(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.chdir(tmp_path)
    assert main(["serve", "--scenario", "nope.yaml", "--port", "0"]) == 2
    out, err = capsys.readouterr()
    assert out == ""
    assert err.count("\n") == 1
    assert err.startswith(f"scenario 'nope.yaml' not found (looked at: {tmp_path / 'nope.yaml'}, ")


def test_scenarios_command_lists_every_shipped_one(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["scenarios"]) == 0
    lines = capsys.readouterr().out.splitlines()
    names = [line.split()[0] for line in lines[: len(shipped_scenarios())]]
    assert names == [p.stem for p in shipped_scenarios()]
    assert lines[0].startswith("demo  ") and "auth_userkey with username mapping" in lines[0]
    assert all(len(line) <= 100 for line in lines)
    assert main(["scenarios", "--paths"]) == 0
    assert capsys.readouterr().out.splitlines() == [str(p) for p in shipped_scenarios()]


def test_init_writes_a_starter_world_that_loads(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    target = tmp_path / "world"
    assert main(["init", str(target)]) == 0
    starter = target / "scenarios" / "starter.yaml"
    text = starter.read_text(encoding="utf-8")
    assert text.startswith("# yaml-language-server: $schema=../scenario.schema.json\n")
    assert (target / "scenario.schema.json").read_text(encoding="utf-8").startswith("{\n")
    fixture = target / "fixtures" / "demo-users.yaml"
    assert fixture.read_text(encoding="utf-8").startswith("# yaml-language-server: $schema=../fixtures.schema.json\n")
    loaded = load_scenario(starter)
    assert loaded.scenario.name == "starter"
    assert {p.name for p in loaded.files[1:]} == {p.name for p in (target / "fixtures").iterdir()}
    assert "next: mockserver validate" in capsys.readouterr().out
    assert main(["validate", str(starter)]) == 0
    # a second run never overwrites
    assert main(["init", str(target)]) == 1
    assert "not overwriting existing files" in capsys.readouterr().err
    assert starter.read_text(encoding="utf-8") == text
