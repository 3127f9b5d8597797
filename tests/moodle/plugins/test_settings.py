"""Plugin settings in the scenario format: ``plugins.<frankenstyle>``, the old places, the schema."""

from __future__ import annotations

from typing import Any

import pytest

from mockserver.world.loader import ScenarioError, load_scenario_text
from mockserver.world.spec import Scenario


def plugins_of(text: str) -> dict[str, Any]:
    dumped: dict[str, Any] = load_scenario_text(text).scenario.plugins.model_dump()
    return dumped


def test_each_plugin_has_its_key_with_its_defaults() -> None:
    plugins = plugins_of("{}")
    assert plugins["auth_userkey"]["mappingfield"] == "email"
    assert plugins["block_sence"] == {
        "installed": True,
        "otec_rut": "",
        "otec_token": "",
        "url": None,
        "environment": "rce",
        "validity": 10800,
    }


def test_old_places_move_under_plugins() -> None:
    plugins = plugins_of("auth_userkey:\n  keylifetime: 5\nmoodle:\n  lang: es\n  sence:\n    otec_rut: 76543210-3\n")
    assert plugins["auth_userkey"]["keylifetime"] == 5
    assert plugins["block_sence"]["otec_rut"] == "76543210-3"


def test_both_places_merge_key_by_key_the_old_place_winning() -> None:
    text = "plugins:\n  auth_userkey: {keylifetime: 5, ssourl: /sso}\nauth_userkey: {keylifetime: 9}\n"
    userkey = plugins_of(text)["auth_userkey"]
    assert (userkey["keylifetime"], userkey["ssourl"]) == (9, "/sso")


def test_errors_at_the_old_place_name_the_line() -> None:
    with pytest.raises(ScenarioError) as caught:
        load_scenario_text("name: x\nauth_userkey:\n  createuser: [1]\n", "s.yaml")
    assert [str(p) for p in caught.value.problems] == [
        "s.yaml:3: plugins.auth_userkey.createuser: Input should be a valid boolean"
    ]


def test_an_unknown_plugin_is_an_error() -> None:
    with pytest.raises(ScenarioError) as caught:
        load_scenario_text("plugins:\n  auth_nosuch: {}\n", "s.yaml")
    (problem,) = [str(p) for p in caught.value.problems]
    # the plugins there are (more come with new plugin folders; many are named by `mockserver schema`)
    assert problem.startswith("s.yaml:2: plugins.auth_nosuch: unknown key (")
    assert "auth_userkey" in problem or "`mockserver schema`" in problem


@pytest.mark.parametrize(
    ("section", "installed"),
    [
        ("", True),
        ("plugins: {block_sence: {}}", True),
        ("plugins: {block_sence: }", True),
        ("plugins: {block_sence: {installed: false}}", False),
    ],
)
def test_naming_a_block_installs_it(section: str, installed: bool) -> None:
    assert plugins_of(section or "{}")["block_sence"]["installed"] is installed


def test_plain_model_validation_accepts_the_old_places_too() -> None:
    scenario = Scenario.model_validate(
        {"auth_userkey": {"createuser": True}, "moodle": {"sence": {"validity": "once"}}}
    )
    dumped = scenario.plugins.model_dump()
    assert dumped["auth_userkey"]["createuser"] is True and dumped["block_sence"]["validity"] == "once"


def test_the_schema_describes_every_plugin() -> None:
    schema = Scenario.model_json_schema()
    plugins = schema["$defs"]["Plugins"]["properties"]
    assert {"auth_userkey", "block_sence"} <= set(plugins)
    assert "auth_userkey" not in schema["properties"]
