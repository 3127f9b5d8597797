"""How much runtime state one tenant keeps: caps (oldest first out) and the mock's own retention times.

Lifetimes the real systems define live with their settings (``moodle.sessiontimeout``,
``plugins.auth_userkey.keylifetime``, ``sence.settings.pending_login_lifetime``); this block holds
the sizes and the retention of what the real systems keep forever (a database grows, a test server
must not). Every table applies them through ``mockserver.world.bounded.BoundedMap``.
"""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field

DAY = 86400


class Limits(BaseModel):
    """Per-tenant caps and retention of the tables that grow with traffic (docs/scenarios.md#limits)."""

    model_config = ConfigDict(extra="forbid", frozen=True, defer_build=True)

    sessions: int = Field(
        2000,
        ge=1,
        description="Browser sessions kept; past it the least recently used goes (its browser is logged out).",
    )
    userkeys: int = Field(2000, ge=1, description="auth_userkey login keys kept; past it the oldest goes.")
    expired_key_retention: int = Field(
        DAY,
        ge=0,
        description="Seconds an expired login key answers 'Expired key' before it is forgotten ('Incorrect key').",
    )
    sence_pending: int = Field(
        1000, ge=1, description="SENCE logins waiting on the login page; past it the oldest is forgotten."
    )
    sence_register: int = Field(2000, ge=1, description="Attendance register entries kept; past it the oldest goes.")
    sence_register_retention: int = Field(
        DAY, ge=1, description="Seconds a register entry is kept after its post (tenant clock)."
    )
    sence_sessions: int = Field(2000, ge=1, description="SENCE sessions (IdSesionSence) kept; past it the oldest goes.")
    sence_session_retention: int = Field(
        DAY,
        ge=1,
        description="Seconds SENCE remembers a session after it started; a later CerrarSesion gets close_unknown_code.",
    )
    gate_records: int = Field(
        2000, ge=1, description="Rows of the block_sence plugin table kept; past it the oldest goes."
    )
