"""The ``plugins:`` section of the scenario format: one key per plugin folder, its own settings model.

Each plugin's ``settings.py`` exports ``Settings`` (a ``PluginSettings`` model) and may export
``LEGACY_PATHS``: where older scenarios kept those settings (``("auth_userkey",)`` for the old
top-level key). ``move_legacy`` moves such values under ``plugins.<name>`` before validation, so
old scenarios keep loading while the format has one place for plugin settings.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from pydantic import Field, create_model, model_validator

from mockserver.moodle.plugins.discovery import plugin_names, plugin_part
from mockserver.moodle.plugins.settings_base import InstallableSettings, PluginSettings

Location = tuple[str | int, ...]


@dataclass(frozen=True)
class SettingsDeclaration:
    name: str
    model: type[PluginSettings]
    legacy_paths: tuple[tuple[str, ...], ...] = ()


def _declarations() -> tuple[SettingsDeclaration, ...]:
    found = []
    for name in plugin_names():
        module = plugin_part(name, "settings")
        model = getattr(module, "Settings", None)
        if not (isinstance(model, type) and issubclass(model, PluginSettings)):
            raise RuntimeError(f"plugin {name}: settings.py must export Settings, a PluginSettings model")
        found.append(SettingsDeclaration(name, model, tuple(getattr(module, "LEGACY_PATHS", ()))))
    return tuple(found)


DECLARATIONS = _declarations()


class _PluginsBase(PluginSettings):
    @model_validator(mode="before")
    @classmethod
    def _named_means_installed(cls, data: Any) -> Any:
        """A non-auth plugin named under ``plugins:`` is installed unless it says ``installed: false``."""
        if not isinstance(data, dict):
            return data
        result = dict(data)
        for name, value in data.items():
            field = cls.model_fields.get(name) if isinstance(name, str) else None
            model = field.annotation if field is not None else None
            if isinstance(model, type) and issubclass(model, InstallableSettings):
                if value is None:
                    result[name] = {"installed": True}
                elif isinstance(value, dict) and "installed" not in value:
                    result[name] = {**value, "installed": True}
        return result


def _field(declaration: SettingsDeclaration) -> Any:
    doc = (declaration.model.__doc__ or "").strip().splitlines()
    return (declaration.model, Field(default_factory=declaration.model, description=doc[0] if doc else None))


Plugins: type[PluginSettings] = create_model(
    "Plugins",
    __base__=_PluginsBase,
    __doc__="Settings of the emulated Moodle plugins, by frankenstyle name (docs/plugins.md).",
    **{d.name: _field(d) for d in DECLARATIONS},
)


def _deep_merge(base: dict[str, Any], over: dict[str, Any]) -> dict[str, Any]:
    merged = dict(base)
    for key, value in over.items():
        if isinstance(value, dict) and isinstance(merged.get(key), dict):
            merged[key] = _deep_merge(merged[key], value)
        else:
            merged[key] = value
    return merged


def _pop_path(data: dict[str, Any], path: tuple[str, ...]) -> tuple[dict[str, Any], Any]:
    """``data`` without the value at ``path`` (containers along it copied), and that value."""
    head, *rest = path
    if head not in data:
        return data, None
    if not rest:
        copy = dict(data)
        return copy, copy.pop(head)
    inner = data[head]
    if not isinstance(inner, dict):
        return data, None
    new_inner, value = _pop_path(inner, tuple(rest))
    return {**data, head: new_inner}, value


def move_legacy(data: dict[str, Any], lines: dict[Location, int] | None = None) -> dict[str, Any]:
    """Settings found at a plugin's ``LEGACY_PATHS`` moved under ``plugins.<name>``.

    When both places are given the two are merged key by key, the legacy location winning (a test
    overriding ``auth_userkey:`` over a file that uses ``plugins:`` means the override).
    ``lines`` (key locations -> line numbers) gets the new locations too, so errors name the line.
    """
    plugins = data.get("plugins", {})
    if not isinstance(plugins, dict):
        return data
    moved = False
    for declaration in DECLARATIONS:
        for path in declaration.legacy_paths:
            data, value = _pop_path(data, path)
            if value is None:
                continue
            current = plugins.get(declaration.name)
            if current is None or (isinstance(current, dict) and isinstance(value, dict)):
                plugins = {**plugins, declaration.name: _deep_merge(current or {}, value) if current else value}
                moved = True
            if lines is not None:
                for loc, line in list(lines.items()):
                    if loc[: len(path)] == path:
                        lines.setdefault(("plugins", declaration.name, *loc[len(path) :]), line)
    return {**data, "plugins": plugins} if moved else data
