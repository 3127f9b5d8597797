"""The facts of one request and how a ``MatchSpec`` compares with them.

Faults, journal filters and verifications all ask the same question, so they share this code:
``differences()`` lists what does not match (empty = a match), in words a failing test can show.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache

from mockserver.admin.faultspec import MatchSpec
from mockserver.admin.masking import mask_value


@dataclass(frozen=True)
class RequestFacts:
    """What the journal and the faults know about a request before the server answers it."""

    tenant: str
    method: str
    path: str
    query: dict[str, str] = field(default_factory=dict)
    form: dict[str, str] = field(default_factory=dict)
    user: str | None = None
    actor: str | None = None

    @property
    def params(self) -> dict[str, str]:
        """GET and POST merged, POST winning (Moodle's ``optional_param``)."""
        return {**self.query, **self.form}

    @property
    def wsfunction(self) -> str | None:
        return self.form.get("wsfunction", self.query.get("wsfunction"))


@lru_cache(maxsize=512)
def _glob(pattern: str) -> re.Pattern[str]:
    return re.compile("".join(".*" if part == "*" else re.escape(part) for part in re.split(r"(\*)", pattern)), re.S)


def glob_match(pattern: str, value: str) -> bool:
    """Whole-string match where ``*`` stands for any text (nothing else is special)."""
    if "*" not in pattern:
        return pattern == value
    return _glob(pattern).fullmatch(value) is not None


def _shown(value: str | None) -> str:
    return "none" if value is None else repr(value)


def differences(spec: MatchSpec, facts: RequestFacts) -> list[str]:
    """Every way ``facts`` differ from ``spec``; an empty list means they match."""
    found: list[str] = []
    if spec.tenant is not None and not glob_match(spec.tenant, facts.tenant):
        found.append(f"tenant: expected {spec.tenant!r}, got {facts.tenant!r}")
    if spec.method is not None and spec.method.upper() != facts.method.upper():
        found.append(f"method: expected {spec.method.upper()}, got {facts.method}")
    if spec.path is not None and not glob_match(spec.path, facts.path):
        found.append(f"path: expected {spec.path!r}, got {facts.path!r}")
    if spec.wsfunction is not None:
        wsfunction = facts.wsfunction
        if wsfunction is None or not glob_match(spec.wsfunction, wsfunction):
            found.append(f"wsfunction: expected {spec.wsfunction!r}, got {_shown(wsfunction)}")
    if spec.params:
        params = facts.params
        for name, expected in spec.params.items():
            actual = params.get(name)
            if actual is None:
                found.append(f"params[{name}]: expected {mask_value(name, expected)!r}, missing")
            elif not glob_match(expected, actual):
                found.append(
                    f"params[{name}]: expected {mask_value(name, expected)!r}, got {mask_value(name, actual)!r}"
                )
    if spec.user is not None and spec.user not in (facts.user, facts.actor):
        acting = f" (acting as {facts.actor!r})" if facts.actor and facts.actor != facts.user else ""
        found.append(f"user: expected {spec.user!r}, got {_shown(facts.user)}{acting}")
    return found


def matches(spec: MatchSpec, facts: RequestFacts) -> bool:
    return not differences(spec, facts)
