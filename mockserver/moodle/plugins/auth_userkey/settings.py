"""auth_userkey's settings (``plugins.auth_userkey``; ``auth_userkey:`` at the top level is the old place)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Literal

from pydantic import Field, field_validator

from mockserver.moodle.plugins.settings_base import PluginSettings

if TYPE_CHECKING:
    from mockserver.moodle.site import Site


class AuthUserkeySettings(PluginSettings):
    """auth_userkey plugin settings plus version switches (auth-userkey.md §3, §8)."""

    mappingfield: str = "email"
    keylifetime: int | str = 60
    iprestriction: str = Field(
        "0",
        description="Stored as Moodle stores config, a string (true/false/numbers become '1'/'0'/digits); "
        "on when PHP finds it truthy: anything but '' and '0' ('string', 'false', ' ' are on).",
    )
    ipwhitelist: str = ""
    createuser: bool = False
    updateuser: bool = False
    redirecturl: str = ""
    ssourl: str = ""
    key_consumed_on_any_attempt: bool = Field(False, description="v1.0.0: any login attempt burns the key.")
    logout_return_param: Literal["localurl", "url"] = Field("localurl", description="url = 2020050801..2022081901.")
    default_redirect: Literal["wwwroot", "root"] = Field(
        "wwwroot", description="login.php target without wantsurl; root = '/' of v1.0.0 (2016081600)."
    )
    logged_in_behaviour: Literal["current", "redirect_without_validation", "login_over"] = Field(
        "current",
        description="A browser already logged in: current (2020050800+), redirect_without_validation "
        "(2017051501-2018050200), login_over (2016).",
    )
    loginurl_return_type: Literal["raw", "url"] = Field(
        "raw", description="Return type of loginurl: url = PARAM_URL before 2018012901."
    )

    @field_validator("iprestriction", mode="before")
    @classmethod
    def _config_string(cls, value: object) -> object:
        """``set_config()`` keeps a string: PHP's ``(string)`` of booleans and numbers."""
        if isinstance(value, bool):
            return "1" if value else "0"
        if isinstance(value, (int, float)):
            return str(value)
        return value

    @property
    def iprestriction_on(self) -> bool:
        """``$this->config->iprestriction == true`` / ``!empty(...)``: PHP truthiness of the stored string."""
        return self.iprestriction not in ("", "0")


Settings = AuthUserkeySettings
LEGACY_PATHS = (("auth_userkey",),)


def config(site: Site) -> AuthUserkeySettings:
    """The plugin's ``$this->config`` for this site."""
    value = site.scenario.plugins.auth_userkey  # type: ignore[attr-defined]  # a field made by create_model
    if type(value) is not AuthUserkeySettings:  # cheaper than isinstance on a pydantic class, called per check
        assert isinstance(value, AuthUserkeySettings)
    return value
