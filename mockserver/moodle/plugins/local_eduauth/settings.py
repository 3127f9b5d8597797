"""local_eduauth's settings (``plugins.local_eduauth``): the plugin has no admin settings of its own;
these are the plugins its ``callforward`` can reach and the emulator's bounds on its table."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from pydantic import Field, field_validator

from mockserver.moodle.plugins.settings_base import InstallableSettings, PluginSettings

if TYPE_CHECKING:
    from mockserver.moodle.site import Site


class CallforwardPlugin(PluginSettings):
    """A plugin with an ``eduauth.php`` whose ``callforward($data, &$reply)`` sets these reply fields."""

    reply: dict[str, Any] = Field(
        default_factory=dict, description="Fields the plugin's callforward() sets on the reply object."
    )


class LocalEduauthSettings(InstallableSettings):
    """A third-party plugin: installed only when a scenario names it under ``plugins:``."""

    installed: bool = Field(False, description="Whether the plugin is installed on the site.")
    callforward: dict[str, CallforwardPlugin] = Field(
        default_factory=dict,
        description="Installed plugins (frankenstyle) that ship an eduauth.php for connect.php's callforward. "
        "Real Moodle looks the file up at /<type>/<name>/eduauth.php, so a block (in /blocks/) never resolves.",
    )
    pending_lifetime: int = Field(
        86400,
        ge=1,
        description="Emulator bound (the plugin keeps rows forever): seconds a login row not yet fetched with "
        "act=getuser is kept.",
    )
    max_rows: int = Field(
        10000,
        ge=1,
        description="Emulator bound: rows kept per site; beyond it the least recently created or used row goes.",
    )

    @field_validator("callforward")
    @classmethod
    def _frankenstyle(cls, value: dict[str, CallforwardPlugin]) -> dict[str, CallforwardPlugin]:
        for name in value:
            kind, _, rest = name.partition("_")
            if not kind.isalpha() or not kind.islower() or not rest:
                raise ValueError(f"{name!r} is not a frankenstyle plugin name (type_name)")
        return value


Settings = LocalEduauthSettings


def config(site: Site) -> LocalEduauthSettings:
    """The plugin's settings for this site."""
    value = site.scenario.plugin_settings("local_eduauth")
    assert isinstance(value, LocalEduauthSettings)
    return value
