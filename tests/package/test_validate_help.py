"""`mockserver validate` that helps: sorted problems, the closest valid key, references checked
despite other errors, warnings that do not fail, `$schema` accepted, an empty file reported."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from mockserver.cli import main
from mockserver.moodle.webservice.registry import registry
from mockserver.world.advice import function_names
from mockserver.world.spec import Scenario

ROOT = Path(__file__).resolve().parents[2]


def _validate(path: Path, capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    code = main(["validate", str(path)])
    out, err = capsys.readouterr()
    return code, out, err


def test_problems_sorted_by_file_and_line_with_closest_keys(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (tmp_path / "b-fixture.yaml").write_text(
        "courses:\n  - {shortname: C, fullname: C, categroy: 1}\n", encoding="utf-8"
    )
    (tmp_path / "a-fixture.yaml").write_text("users:\n  - {username: u1, emial: x}\n", encoding="utf-8")
    scenario = tmp_path / "s.yaml"
    scenario.write_text(
        "fixtures: [b-fixture.yaml, a-fixture.yaml]\nusers:\n  - {username: u2, firstnme: x}\n"
        "moodle:\n  sitenme: x\n  debug: loud\n",
        encoding="utf-8",
    )
    code, out, err = _validate(scenario, capsys)
    assert (code, out) == (1, "")
    assert err.splitlines() == [
        f"{tmp_path / 'a-fixture.yaml'}:2: users.0.emial: unknown key (did you mean `email`?)",
        f"{tmp_path / 'b-fixture.yaml'}:2: courses.0.categroy: unknown key (did you mean `category`?)",
        f"{scenario}:3: users.0.firstnme: unknown key (did you mean `firstname`?)",
        f"{scenario}:5: moodle.sitenme: unknown key (did you mean `sitename`?)",
        f"{scenario}:6: moodle.debug: Input should be 'none', 'normal' or 'developer'",
    ]


def test_references_are_checked_even_with_other_errors(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    scenario = tmp_path / "s.yaml"
    scenario.write_text(
        "users:\n"
        "  - {username: ana, pasword: x}\n"  # 2: a typo: the user still counts for references
        "  - {username: [bad]}\n"  # 3: left out, and so are references to it... none here
        "courses:\n  - {shortname: C1, fullname: Course 1}\n"
        "enrolments:\n"
        "  - {user: ana, course: C1}\n"  # 7: fine
        "  - {user: zed, course: C1}\n"  # 8: unknown user
        "  - {user: ana, course: NOPE}\n",  # 9: unknown course
        encoding="utf-8",
    )
    code, _, err = _validate(scenario, capsys)
    assert code == 1
    assert err.splitlines() == [
        f"{scenario}:2: users.0.pasword: unknown key (did you mean `password`?)",
        f"{scenario}:3: users.1.username: Input should be a valid string",
        f"{scenario}:8: enrolments.1.user: unknown user 'zed'",
        f"{scenario}:9: enrolments.2.course: unknown course 'NOPE'",
    ]


def test_references_to_an_item_left_out_are_not_repeated(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    scenario = tmp_path / "s.yaml"
    scenario.write_text(
        "users:\n  - {username: ana, suspended: maybe}\ncourses:\n  - {shortname: C1, fullname: Course 1}\n"
        "enrolments:\n  - {user: ana, course: C1}\n",
        encoding="utf-8",
    )
    code, _, err = _validate(scenario, capsys)
    assert code == 1
    assert err.splitlines() == [
        f"{scenario}:2: users.0.suspended: Input should be a valid boolean, unable to interpret input"
    ]


def test_warnings_do_not_fail(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    scenario = tmp_path / "s.yaml"
    scenario.write_text(
        "users: [{username: admin}]\n"
        "services:\n"
        "  - name: s\n"
        "    functions:\n"
        "      - core_webservice_get_site_info\n"
        "      - auth_userkey_request_login_ur\n"  # 6
        "      - local_nothing_like_it\n"  # 7
        "plugins:\n  auth_userkey:\n    keylifetime: 10 minutes\n",  # 10
        encoding="utf-8",
    )
    code, out, err = _validate(scenario, capsys)
    assert (code, out) == (0, f"{scenario}: ok (3 warnings)\n")
    assert err.splitlines() == [
        f"{scenario}:6: services.0.functions.1: warning: unknown function 'auth_userkey_request_login_ur': Moodle "
        "would list it, but every call to it fails (did you mean `auth_userkey_request_login_url`?)",
        f"{scenario}:7: services.0.functions.2: warning: unknown function 'local_nothing_like_it': Moodle would "
        "list it, but every call to it fails",
        f"{scenario}:10: plugins.auth_userkey.keylifetime: warning: keylifetime '10 minutes' is not a number of "
        "seconds: Moodle stores it and PHP's (int) reads 10",
    ]


def test_a_keylifetime_that_reads_as_zero(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    scenario = tmp_path / "s.yaml"
    scenario.write_text("plugins:\n  auth_userkey:\n    keylifetime: one hour\n", encoding="utf-8")
    code, _, err = _validate(scenario, capsys)
    assert code == 0
    assert err.endswith("PHP's (int) reads 0 (every key is born expired)\n")
    scenario.write_text("plugins:\n  auth_userkey:\n    keylifetime: '300'\n", encoding="utf-8")
    assert _validate(scenario, capsys) == (0, f"{scenario}: ok\n", "")


def test_function_names_are_the_registrys() -> None:
    assert function_names() == set(registry())


def test_schema_key_is_accepted_and_in_the_schema(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    scenario = tmp_path / "s.yaml"
    scenario.write_text("$schema: ../docs/scenario.schema.json\nname: s\n", encoding="utf-8")
    assert _validate(scenario, capsys) == (0, f"{scenario}: ok\n", "")
    published = json.loads((ROOT / "docs" / "scenario.schema.json").read_text(encoding="utf-8"))
    assert published["properties"]["$schema"]["type"] == "string"
    assert Scenario.model_json_schema()["properties"]["$schema"] == published["properties"]["$schema"]


@pytest.mark.parametrize("text", ["", "\n\n", "# only a comment\n", "null\n"])
def test_an_empty_file_is_reported(tmp_path: Path, capsys: pytest.CaptureFixture[str], text: str) -> None:
    scenario = tmp_path / "s.yaml"
    scenario.write_text(text, encoding="utf-8")
    assert _validate(scenario, capsys) == (
        1,
        "",
        f"{scenario}: the file is empty (a scenario needs at least `name:`)\n",
    )
    scenario.write_text("{}\n", encoding="utf-8")  # an explicitly empty world is fine
    assert _validate(scenario, capsys) == (0, f"{scenario}: ok\n", "")


def test_editors_are_told_about_the_schema() -> None:
    comment = "# yaml-language-server: $schema="
    assert comment in (ROOT / "README.md").read_text(encoding="utf-8")
    assert comment in (ROOT / "docs" / "scenarios.md").read_text(encoding="utf-8")


def test_a_folder_without_scenarios_fails(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (tmp_path / "scenarios").mkdir()
    assert _validate(tmp_path, capsys) == (
        1,
        "",
        f"{tmp_path}: no scenario files (*.yaml, *.yml) in this folder"
        f" (the scenarios of `mockserver init` are in {tmp_path / 'scenarios'})\n",
    )
    empty = tmp_path / "scenarios"
    assert _validate(empty, capsys) == (1, "", f"{empty}: no scenario files (*.yaml, *.yml) in this folder\n")


def test_a_closed_pipe_ends_quietly() -> None:
    """``mockserver scenarios | head -1`` once head has gone: exit 1 and no traceback. The pipe's
    reading end is closed before the command starts, so its first write fails every time."""
    read, write = os.pipe()
    os.close(read)
    try:
        done = subprocess.run(
            [sys.executable, "-m", "mockserver", "scenarios"],
            stdout=write,
            stderr=subprocess.PIPE,
            text=True,
            timeout=60,
            check=False,
        )
    finally:
        os.close(write)
    assert (done.returncode, done.stderr) == (1, "")
