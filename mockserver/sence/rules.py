"""Scripted outcomes: the first rule that matches a post and is not used up decides."""

from __future__ import annotations

from mockserver.sence import rut
from mockserver.sence.records import Action
from mockserver.sence.spec import OutcomeSpec, RuleMatch, RuleSpec
from mockserver.sence.store import SenceStore

# Codes that can only arise once the student has typed credentials.
LOGIN_CODES = frozenset({100, 210, 311, 312})


def matches(match: RuleMatch, action: Action, fields: dict[str, str]) -> bool:
    if match.action is not None and match.action != action:
        return False
    if match.RunAlumno is not None and rut.normalise(match.RunAlumno) != rut.normalise(fields.get("RunAlumno", "")):
        return False
    return all(
        expected is None or fields.get(name) == expected
        for name, expected in (
            ("CodSence", match.CodSence),
            ("CodigoCurso", match.CodigoCurso),
            ("RutOtec", match.RutOtec),
        )
    )


def select(rules: list[RuleSpec], store: SenceStore, action: Action, fields: dict[str, str]) -> OutcomeSpec | None:
    for index, rule in enumerate(rules):
        if not matches(rule.match, action, fields):
            continue
        outcome = rule.outcome_for(store.bump_rule(index))
        if outcome is not None:
            return outcome
    return None


def glosa_after_login(outcome: OutcomeSpec) -> bool:
    if outcome.after_login is not None:
        return outcome.after_login
    return bool(outcome.codes) and all(code in LOGIN_CODES for code in outcome.codes)
