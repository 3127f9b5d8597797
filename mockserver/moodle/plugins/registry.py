"""The installed plugins (every folder's ``plugin.PLUGIN``) and what they add up to.

Imported lazily by core (routes, strings, masks are gathered on first use) because plugin pages
import core modules that in turn look plugins up.
"""

from __future__ import annotations

from collections.abc import Iterator
from functools import cache
from typing import TYPE_CHECKING, Any

from mockserver.moodle.plugins.discovery import plugin_names, plugin_part
from mockserver.moodle.plugins.interface import Masking, MoodlePlugin

if TYPE_CHECKING:
    from starlette.routing import BaseRoute

    from mockserver.moodle.site import Site

AnyPlugin = MoodlePlugin[Any]


@cache
def installed_plugins() -> tuple[AnyPlugin, ...]:
    """Every plugin folder's ``PLUGIN``, by name."""
    found = []
    for name in plugin_names():
        module = plugin_part(name, "plugin")
        plugin = getattr(module, "PLUGIN", None)
        if not isinstance(plugin, MoodlePlugin) or plugin.name != name:
            raise RuntimeError(f"plugin {name}: plugin.py must export PLUGIN, a MoodlePlugin named {name!r}")
        found.append(plugin)
    return tuple(found)


def plugin(name: str) -> AnyPlugin | None:
    return next((p for p in installed_plugins() if p.name == name), None)


def active_plugins(site: Site) -> Iterator[AnyPlugin]:
    """The plugins whose hooks run for this request, in Moodle's order.

    Auth plugins first, in the order ``moodle.auth`` lists them (``get_enabled_auth_plugins``);
    then the other installed plugins by name. A disabled auth plugin's hooks never run.
    """
    plugins = installed_plugins()
    auth = {p.auth_name: p for p in plugins if p.kind == "auth"}
    for name in site.cfg.auth:
        found = auth.get(name)
        if found is not None:
            yield found
    for candidate in plugins:
        if candidate.kind != "auth" and candidate.is_active(site):
            yield candidate


def plugin_routes() -> list[BaseRoute]:
    return [route for p in installed_plugins() for route in p.routes()]


def auth_plugin_names() -> tuple[str, ...]:
    """``$CFG->auth`` names of the emulated auth plugins (for PARAM_AUTH)."""
    return tuple(p.auth_name for p in installed_plugins() if p.kind == "auth")


@cache
def plugin_strings() -> dict[str, dict[tuple[str, str], str]]:
    """Every plugin's strings, by language."""
    tables: dict[str, dict[tuple[str, str], str]] = {}
    for p in installed_plugins():
        for lang, table in p.strings.items():
            tables.setdefault(lang, {}).update(table)
    return tables


@cache
def plugin_masking() -> Masking:
    """The union of every plugin's journal masks."""
    shorten: frozenset[str] = frozenset()
    rules: tuple[Any, ...] = ()
    for p in installed_plugins():
        shorten |= p.masking.shorten
        rules += p.masking.text_rules
    return Masking(shorten, rules)


def plugin_versions() -> dict[str, str]:
    return {p.name: p.version for p in installed_plugins() if p.version}
