"""auth_drupalservices's settings (``plugins.auth_drupalservices``): the ``config_plugins`` rows of the plugin."""

from __future__ import annotations

from typing import TYPE_CHECKING, Literal

from pydantic import Field, field_validator

from mockserver.moodle.plugins.settings_base import PluginSettings

if TYPE_CHECKING:
    from mockserver.moodle.site import Site

MAPPABLE_FIELDS = (
    "firstname",
    "lastname",
    "email",
    "city",
    "country",
    "lang",
    "description",
    "idnumber",
    "institution",
    "department",
    "phone1",
    "phone2",
    "address",
    "firstnamephonetic",
    "lastnamephonetic",
    "middlename",
    "alternatename",
)
"""``auth_plugin_base::$userfields`` the emulated user table has (``url`` is not kept)."""


class AuthDrupalservicesSettings(PluginSettings):
    """auth_drupalservices settings (cannod/moodle-drupalservices, vfremaux 4.5.0): Drupal site, cookie, field map."""

    host_uri: str = Field(
        "", description="Drupal site URL with protocol, no trailing slash; Moodle calls it over real HTTP."
    )
    cookiedomain: str | None = Field(
        None,
        description="Base of the Drupal session cookie's name (e.g. .example.com); absent: host_uri without "
        "its scheme. An empty string counts as set (isset).",
    )
    autodetect: bool = Field(
        False, description="No cookiedomain: find it from the browser's cookies (.host/path, host/path, shorter ...)."
    )
    drupalversion: Literal[7, 8] = Field(7, description="7: Services 'moodlesso' endpoint; 8: Drupal 8+ core routes.")
    timeout: float = Field(15, gt=0, le=300, description="Seconds for each call of the login hook (logout: 60).")
    duallogin: bool = Field(
        False,
        description="No Drupal cookie: show duallogin.php (choose Drupal or Moodle account). vfremaux installs it on.",
    )
    call_logout_service: bool = Field(True, description="Moodle's logout also logs out of Drupal (user/logout).")
    field_map: dict[str, str] = Field(
        default_factory=dict,
        description="field_map_<moodlefield>: Moodle field -> Drupal field "
        "(e.g. firstname: field_first_name, email: mail).",
    )
    login_redirect: Literal["vfremaux", "master", "cannod3"] = Field(
        "vfremaux",
        description="No cookie: vfremaux (wantsurl or wwwroot as destination), master (only with a wantsurl), "
        "cannod3 (?moodleurl=http://<Host>/<path>).",
    )

    @field_validator("field_map")
    @classmethod
    def _known_fields(cls, value: dict[str, str]) -> dict[str, str]:
        unknown = sorted(set(value) - set(MAPPABLE_FIELDS))
        if unknown:
            raise ValueError(
                f"not a mappable Moodle user field: {', '.join(unknown)} (one of {', '.join(MAPPABLE_FIELDS)})"
            )
        return value


Settings = AuthDrupalservicesSettings


def config(site: Site) -> AuthDrupalservicesSettings:
    """``get_config('auth_drupalservices')`` for this site."""
    value = site.scenario.plugin_settings("auth_drupalservices")
    assert isinstance(value, AuthDrupalservicesSettings)
    return value
