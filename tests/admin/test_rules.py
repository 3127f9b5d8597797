"""Scripted SENCE rules added and removed at runtime, without rebuilding the world."""

from __future__ import annotations

from tests.admin.helpers import admin, login_url
from tests.harness import ServerFactory

RULE = {"name": "auto", "match": {"action": "start", "RunAlumno": "12345678-5"}, "outcome": {"auto_login": True}}


def test_add_list_remove_rules_keeps_the_world(server: ServerFactory) -> None:
    h = server()
    login_url(h)  # a key exists in the world
    assert admin(h, "GET", "/tenants/default/rules").json() == {"rules": []}
    added = admin(h, "POST", "/tenants/default/rules", json=RULE)
    assert added.status_code == 201, added.text
    assert added.json()["rules"][0]["index"] == 0 and added.json()["rules"][0]["name"] == "auto"
    more = admin(h, "POST", "/tenants/default/rules", json=[{**RULE, "name": "b"}, {**RULE, "name": "c"}])
    assert [r["index"] for r in more.json()["rules"]] == [1, 2]
    assert len(admin(h, "GET", "/tenants/default/world/keys").json()["keys"]) == 1  # world kept
    assert admin(h, "DELETE", "/tenants/default/rules/1").status_code == 204
    names = [r["name"] for r in admin(h, "GET", "/tenants/default/rules").json()["rules"]]
    assert names == ["auto", "c"]
    assert admin(h, "DELETE", "/tenants/default/rules/9").status_code == 404
    assert admin(h, "DELETE", "/tenants/default/rules").json() == {"removed": 2}


def test_invalid_rule_and_reset_restores_scenario_rules(server: ServerFactory) -> None:
    h = server(overrides={"sence": {"rules": [RULE]}})
    bad = admin(h, "POST", "/tenants/default/rules", json={"match": {"action": "start"}})
    assert bad.status_code == 422 and bad.json()["error"] == "invalid rule"
    admin(h, "DELETE", "/tenants/default/rules")
    admin(h, "POST", "/tenants/default/rules", json={**RULE, "name": "runtime"})
    admin(h, "POST", "/tenants/default/reset")
    assert [r["name"] for r in admin(h, "GET", "/tenants/default/rules").json()["rules"]] == ["auto"]
