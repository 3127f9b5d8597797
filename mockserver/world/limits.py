"""How much runtime state one tenant keeps: caps (oldest first out) and the mock's own retention times.

Lifetimes the real systems define live with their settings (``moodle.sessiontimeout``,
``plugins.auth_userkey.keylifetime``, ``sence.settings.pending_login_lifetime``); this block holds
the sizes and the retention of what the real systems keep forever (a database grows, a test server
must not). The default caps are sized so that traffic that keeps creating state (bench/soak.py)
fills every table within its first 5,000 requests, so memory stops growing there; each still holds
far more than a test run keeps live (a SENCE session is one participant's login of the day).
Every table applies them through ``mockserver.world.bounded.BoundedMap``; users created at run
time are not evicted (a user the client created must not vanish) but refused past
``created_users`` (``mockserver.moodle.domain.users.check_created_users``).
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
        500, ge=1, description="SENCE logins waiting on the login page; past it the oldest is forgotten."
    )
    sence_register: int = Field(1000, ge=1, description="Attendance register entries kept; past it the oldest goes.")
    sence_register_retention: int = Field(
        DAY, ge=1, description="Seconds a register entry is kept after its post (tenant clock)."
    )
    sence_sessions: int = Field(500, ge=1, description="SENCE sessions (IdSesionSence) kept; past it the oldest goes.")
    sence_session_retention: int = Field(
        DAY,
        ge=1,
        description="Seconds SENCE remembers a session after it started; a later CerrarSesion gets close_unknown_code.",
    )
    gate_records: int = Field(
        2000, ge=1, description="Rows of the block_sence plugin table kept; past it the oldest goes."
    )
    created_users: int = Field(
        10000,
        ge=0,
        description=(
            "Users created at run time (core_user_create_users, auth_userkey createuser, SSO plugins) beyond "
            "the scenario's; past it a creation fails with dml_write_exception (Moodle has no such cap)."
        ),
    )
