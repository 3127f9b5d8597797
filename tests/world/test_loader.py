"""Scenario loading: valid files, and invalid ones reported by file, line and key."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from mockserver.cli import main
from mockserver.world.loader import ScenarioError, load_scenario, load_scenario_text

ROOT = Path(__file__).resolve().parents[2]


def write(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def problems(path: Path) -> list[str]:
    with pytest.raises(ScenarioError) as caught:
        load_scenario(path)
    return [str(p) for p in caught.value.problems]


def test_demo_world_has_the_documented_values() -> None:
    scenario = load_scenario(ROOT / "scenarios/demo.yaml").scenario
    userkey = scenario.plugins.model_dump()["auth_userkey"]
    assert userkey["mappingfield"] == "username"
    assert userkey["keylifetime"] == 60
    assert userkey["iprestriction"] == "0"  # stored as Moodle stores config: a string
    assert [(t.token, t.service) for t in scenario.tokens] == [
        ("d1c2b3a4e5f60718293a4b5c6d7e8f90", "User key authentication web service"),
        ("0f1e2d3c4b5a69788796a5b4c3d2e1f0", "integration"),
    ]
    assert {u.username for u in scenario.users} == {"admin", "alumno1", "alumno2", "docente1"}
    alumno1 = next(u for u in scenario.users if u.username == "alumno1")
    assert (alumno1.firstname, alumno1.lastname, alumno1.profile) == ("Ana", "Pérez", {"runalumno": "12345678-5"})
    course = next(c for c in scenario.courses if c.shortname == "SENCE-DEMO")
    assert course.id == 2
    assert {(e.user, e.course) for e in scenario.enrolments} >= {
        ("alumno1", "SENCE-DEMO"),
        ("alumno2", "SENCE-DEMO"),
        ("docente1", "SENCE-DEMO"),
    }


def test_every_shipped_scenario_is_valid() -> None:
    scenarios = sorted((ROOT / "scenarios").glob("*.yaml"))
    assert scenarios
    for path in scenarios:
        load_scenario(path)


def test_unknown_key_and_bad_value_name_file_line_and_key(tmp_path: Path) -> None:
    path = write(tmp_path, "bad.yaml", "name: x\nmoodle:\n  debug: loud\nusers:\n  - username: a\n    bogus: 1\n")
    assert problems(path) == [  # sorted by line
        f"{path}:3: moodle.debug: Input should be 'none', 'normal' or 'developer'",
        f"{path}:6: users.0.bogus: unknown key (`mockserver schema` lists the valid ones)",
    ]


def test_broken_yaml_is_reported_with_its_line(tmp_path: Path) -> None:
    path = write(tmp_path, "broken.yaml", "name: x\nusers: [\n  - a\n")
    (message,) = problems(path)
    assert message.startswith(f"{path}:")
    assert "not valid YAML" in message


def test_duplicate_keys_are_errors(tmp_path: Path) -> None:
    path = write(tmp_path, "dupe.yaml", "name: a\nname: b\n")
    assert problems(path) == [f"{path}:2: name: duplicate key"]


def test_broken_references_point_into_the_fixture_file(tmp_path: Path) -> None:
    write(tmp_path, "people.yaml", "users:\n  - username: ana\nenrolments:\n  - user: nadie\n    course: C1\n")
    path = write(tmp_path, "main.yaml", "fixtures: [people.yaml]\ncourses:\n  - shortname: C1\n    fullname: Uno\n")
    assert problems(path) == [f"{tmp_path / 'people.yaml'}:4: enrolments.0.user: unknown user 'nadie'"]


def test_missing_fixture_file(tmp_path: Path) -> None:
    path = write(tmp_path, "main.yaml", "fixtures:\n  - nowhere.yaml\n")
    assert problems(path) == [f"{path}:2: fixtures.0: file not found: {tmp_path / 'nowhere.yaml'}"]


def test_token_format_is_checked(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        "t.yaml",
        "users: [{username: a}]\nservices: [{name: S}]\ntokens:\n  - token: NOT-HEX\n    user: a\n    service: S\n",
    )
    assert problems(path) == [
        f"{path}:4: tokens.0.token: Value error, a web service token is 32 lower-case hex characters"
    ]


def test_json_text_is_accepted() -> None:
    loaded = load_scenario_text(json.dumps({"name": "j", "users": [{"username": "x"}]}), "<json>")
    assert loaded.scenario.users[0].username == "x"


def test_cli_validate_reports_and_exits_non_zero(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    good = write(tmp_path, "good.yaml", "name: ok\n")
    bad = write(tmp_path, "bad.yaml", "moodle:\n  version: '3.9'\n")
    assert main(["validate", str(good)]) == 0
    assert capsys.readouterr().out == f"{good}: ok\n"
    assert main(["validate", str(tmp_path)]) == 1
    captured = capsys.readouterr()
    assert captured.out == f"{good}: ok\n"
    assert captured.err == f"{bad}:2: moodle.version: Input should be '4.1' or '4.5'\n"


def test_cli_schema_prints_json_schema(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["schema"]) == 0
    schema = json.loads(capsys.readouterr().out)
    assert schema["title"] == "Scenario"
    assert {"moodle", "plugins", "users", "courses", "tokens", "fixtures"} <= set(schema["properties"])


def test_sence_references_are_checked_with_file_and_line(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        "s.yaml",
        "sence:\n  courses:\n    - codsence: '1238008244'\n      codigocurso: '6071806'\n      otec: 76543210-3\n",
    )
    assert problems(path) == [f"{path}:5: sence.courses.0.otec: unknown OTEC 76543210-3"]
