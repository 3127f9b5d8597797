"""Scenario format of the fake Drupal site (the scenario's ``drupal:`` key).

Light on purpose (pydantic only): the scenario model imports it.
"""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

Call = Literal["token", "connect", "user", "login", "logout", "settings", "index", "any"]
"""A Drupal call the plugin makes: CSRF token, who-am-I, full user, login, logout, settings, user list."""


class _Spec(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, defer_build=True)


class DrupalUserSpec(_Spec):
    """A Drupal account (table ``users`` plus field values)."""

    uid: int = Field(gt=0)
    name: str = Field(min_length=1, max_length=60)
    password: str = Field("", description="Plain password for the Drupal login page and user/login.")
    mail: str = ""
    status: bool = Field(True, description="False: blocked in Drupal.")
    language: str = ""
    fields: dict[str, str] = Field(
        default_factory=dict, description="Field values by machine name, e.g. field_first_name: Ana."
    )


class OutcomeSpec(_Spec):
    """A scripted answer of the fake Drupal for one kind of call (tests of Moodle's error handling)."""

    call: Call = Field("any", description="Which call it hits; any = every call of the services/REST API.")
    outcome: Literal["down", "slow", "forbidden", "malformed"] = Field(
        description="down: connection closed without an answer; slow: answer after `delay` seconds; "
        "forbidden: HTTP 403; malformed: HTTP 200 with a cut-off JSON body."
    )
    delay: float = Field(30.0, ge=0, le=300, description="Seconds a slow answer waits.")
    after: int = Field(0, ge=0, description="Let the first N matching calls through first.")
    times: int | None = Field(None, ge=1, description="Only N matching calls (after `after`); absent = always.")


class DrupalScenario(_Spec):
    """The fake Drupal site: version, cookie domain, users and scripted outcomes."""

    version: Literal[7, 8] = Field(7, description="7: Services 'moodlesso' endpoint; 8: core REST routes (8+).")
    cookie_domain: str | None = Field(
        None,
        description="settings.php $cookie_domain. Also the session name's base; absent: the site's base URL "
        "without scheme (D7, with port) or host + base path (D8).",
    )
    https: bool = Field(False, description="Secure session cookie (SSESS prefix) as behind HTTPS.")
    moodle_url: str | None = Field(
        None, description="Moodle's wwwroot for moodle_url=true returns; absent: the Moodle port's public URL."
    )
    users: list[DrupalUserSpec] = Field(default_factory=list)
    outcomes: list[OutcomeSpec] = Field(default_factory=list)
