"""Base classes of plugin settings models (kept apart so settings modules import nothing heavy)."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field


class PluginSettings(BaseModel):
    """A plugin's settings (``config_plugins`` rows) plus the emulator's version switches."""

    model_config = ConfigDict(extra="forbid", frozen=True, defer_build=True)


class InstallableSettings(PluginSettings):
    """Settings of a plugin that is not an auth plugin: it acts only when installed.

    Naming the plugin under ``plugins:`` installs it; ``installed: false`` removes it. A plugin
    overrides this field to choose whether a scenario that does not name it has it installed.
    """

    installed: bool = Field(True, description="Whether the plugin is installed on the site.")
