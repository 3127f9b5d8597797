"""block_sence's settings (``plugins.block_sence``; ``moodle.sence`` is the old place)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Literal

from pydantic import Field

from mockserver.moodle.plugins.settings_base import InstallableSettings

if TYPE_CHECKING:
    from mockserver.moodle.site import Site


class SenceGateSettings(InstallableSettings):
    """Moodle-side plugin: OTEC credentials, SENCE URL and how long a SENCE session lets a student in."""

    otec_rut: str = ""
    otec_token: str = ""
    url: str | None = Field(
        None, description="Base URL of SENCE's RCE (…/rce/ or …/rcetest/); absent: this server's fake."
    )
    environment: Literal["rce", "rcetest"] = Field("rce", description="Environment of the fake when url is absent.")
    validity: int | Literal["once"] = Field(
        10800, description="Seconds a SENCE session lets the student in, or 'once' per course."
    )


Settings = SenceGateSettings
LEGACY_PATHS = (("moodle", "sence"),)


def config(site: Site) -> SenceGateSettings:
    """The plugin's settings for this site."""
    value = site.scenario.plugin_settings("block_sence")
    assert isinstance(value, SenceGateSettings)
    return value
