"""Scripted SENCE rules (``sence.rules`` of the scenario) changed at runtime.

A rule list is part of the scenario, so a change builds a new validated scenario with the new
list and puts it in place *without* rebuilding the world: users, keys, sessions and attendance
stay. Rule counters (``times``, ``sequence``) are kept by position in the SENCE store, so a rule
added at the end starts at zero; removing a rule shifts the positions after it (reset to start
all counters afresh). Reset restores the scenario's own rules.
"""

from __future__ import annotations

from typing import Any

from pydantic import ValidationError

from mockserver.admin.web import ApiError, validation_problems
from mockserver.world.loader import LoadedScenario
from mockserver.world.spec import Scenario
from mockserver.world.tenant import Tenant


def rules_of(tenant: Tenant) -> list[dict[str, Any]]:
    sence = tenant.scenario.model_dump(mode="json", exclude_defaults=True).get("sence", {})
    rules: list[dict[str, Any]] = sence.get("rules", [])
    return rules


def with_rules(tenant: Tenant, rules: list[Any]) -> LoadedScenario:
    """The tenant's scenario with ``sence.rules`` replaced, validated like a scenario file."""
    data = tenant.scenario.model_dump(mode="json")
    data["sence"] = {**data.get("sence", {}), "rules": rules}
    try:
        scenario = Scenario.model_validate(data)
    except ValidationError as exc:
        raise ApiError(422, "invalid rule", validation_problems(exc)) from None
    return LoadedScenario(scenario, list(tenant.loaded.files))


def set_rules(tenant: Tenant, rules: list[Any]) -> None:
    """Put the new rules in place; the world (store, clock) is untouched."""
    tenant.loaded = with_rules(tenant, rules)
