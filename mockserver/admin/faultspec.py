"""The fault format: which requests a fault matches and what it does to them.

A fault is declared in a scenario (``faults:``) or added through the admin API. It matches requests
on method, route, wsfunction, parameters, user and tenant, and then delays, answers with a status
and body, sends a malformed body, or closes the connection without a response. It can fire for the
first N matches (``times``), step through a ``sequence``, or fire with a ``probability`` drawn from
a seeded random source. This module only defines the format; it imports nothing from the world, so
the scenario model can embed it.
"""

from __future__ import annotations

from typing import Literal, Self

from pydantic import BaseModel, ConfigDict, Field, model_validator


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, defer_build=True)


class MatchSpec(_Model):
    """Which requests a fault (or a verification, or a journal filter) is about. Absent = any."""

    method: str | None = Field(None, description="HTTP method, e.g. POST (case-insensitive).")
    path: str | None = Field(
        None, description="Path inside the tenant's wwwroot, e.g. /webservice/rest/server.php; '*' is a wildcard."
    )
    wsfunction: str | None = Field(None, description="Web service function name; '*' is a wildcard.")
    params: dict[str, str] = Field(
        default_factory=dict,
        description="Request parameters by PHP name (user[username], RunAlumno); values may use '*'.",
    )
    user: str | None = Field(
        None, description="The user the request names (user[...], username, RunAlumno) or acts as (token, key owner)."
    )
    tenant: str | None = Field(None, description="Tenant name; '*' is a wildcard. Only for server-wide faults.")


class DelayRange(_Model):
    """A random delay, uniform between ``min`` and ``max`` seconds (seeded)."""

    min: float = Field(ge=0, le=300)
    max: float = Field(ge=0, le=300)

    @model_validator(mode="after")
    def _ordered(self) -> Self:
        if self.max < self.min:
            raise ValueError("max must not be less than min")
        return self


Malformed = Literal["invalid_json", "invalid_xml", "truncated", "empty"]


class ActionSpec(_Model):
    """What happens to a matched request. A delay alone lets the request through afterwards."""

    delay: float | DelayRange | None = Field(
        None, description="Seconds to wait before answering (a number, or {min, max} for a seeded random delay)."
    )
    status: int | None = Field(None, ge=100, le=599, description="Answer with this HTTP status instead of the server.")
    body: str | None = Field(None, description="Body sent with ``status`` (default: empty).")
    content_type: str | None = Field(None, description="Content-Type of ``body`` (default text/plain; charset=utf-8).")
    headers: dict[str, str] = Field(default_factory=dict, description="Extra response headers.")
    malformed: Malformed | None = Field(
        None,
        description="invalid_json / invalid_xml: a cut-off Moodle-like body; truncated: the real answer cut in "
        "half; empty: a 200 with no body.",
    )
    close: bool = Field(False, description="Close the connection without sending any response.")

    @model_validator(mode="after")
    def _consistent(self) -> Self:
        if self.close and (self.status is not None or self.body is not None or self.malformed or self.headers):
            raise ValueError("close sends no response: it cannot be combined with status, body, headers or malformed")
        if self.malformed and self.body is not None:
            raise ValueError("malformed makes its own body: drop body")
        if self.malformed == "truncated" and self.status is not None:
            raise ValueError("truncated keeps the real status: drop status")
        return self

    @property
    def has_effect(self) -> bool:
        return bool(
            self.delay is not None
            or self.status is not None
            or self.body is not None
            or self.malformed
            or self.close
            or self.headers
        )


class FaultSpec(ActionSpec):
    """A fault: ``match`` plus an action (inline fields) or a ``sequence`` of actions."""

    id: str | None = Field(
        None, pattern=r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$", description="Name; assigned when absent."
    )
    match: MatchSpec = Field(default_factory=MatchSpec)
    times: int | None = Field(None, ge=1, description="Fire only for the first N matching requests.")
    sequence: list[ActionSpec | None] | None = Field(
        None, description="The n-th firing uses the n-th action; null lets that request through; then it stops."
    )
    probability: float = Field(1.0, ge=0, le=1, description="Chance that a matching request is hit (seeded).")
    seed: int | None = Field(
        None, description="Seed of this fault's random source (default: derived from the server seed)."
    )

    @model_validator(mode="after")
    def _one_action(self) -> Self:
        inline = ActionSpec.model_fields.keys()
        uses_inline = any(name in self.model_fields_set for name in inline)
        if self.sequence is not None:
            if uses_inline:
                raise ValueError("give either a sequence or inline action fields, not both")
            if not self.sequence:
                raise ValueError("sequence must not be empty")
        elif not self.has_effect:
            raise ValueError("a fault needs an action: delay, status, body, headers, malformed, close or a sequence")
        return self

    def action_for(self, firing: int) -> ActionSpec | None:
        """The action of the ``firing``-th hit (0-based); None lets the request through."""
        if self.sequence is None:
            return self
        return self.sequence[firing] if firing < len(self.sequence) else None

    @property
    def limit(self) -> int | None:
        """How many times this fault can fire at most."""
        if self.sequence is not None:
            return len(self.sequence) if self.times is None else min(self.times, len(self.sequence))
        return self.times
