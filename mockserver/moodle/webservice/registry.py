"""External functions known to the emulated site."""

from __future__ import annotations

import importlib
import pkgutil
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from functools import cache
from types import ModuleType
from typing import Any

from mockserver.moodle.plugins.discovery import plugin_names, plugin_part
from mockserver.moodle.site import Site
from mockserver.moodle.webservice.description import Description, Single
from mockserver.world.entities import Service, Token, User


@dataclass
class Call:
    """One authenticated call: who is calling, through which token and service."""

    site: Site
    user: User
    token: Token
    service: Service
    lang: str = "en"
    """``current_language()`` while the function runs."""
    raw: bool = False
    """``moodlewssettingraw``: text is returned without ``format_string``."""


@dataclass(frozen=True)
class ExternalFunction:
    name: str
    component: str
    parameters: Callable[[Site], Single]
    returns: Description | None
    execute: Callable[[Call, dict[str, Any]], Any]
    returns_for: Callable[[Site], Description | None] | None = None
    """When the return description depends on the site's settings (version switches)."""

    def return_description(self, site: Site) -> Description | None:
        return self.returns_for(site) if self.returns_for is not None else self.returns


FUNCTION_PACKAGES = ("mockserver.moodle.functions",)
"""Packages whose modules each export ``FUNCTIONS: tuple[ExternalFunction, ...]``."""
PLUGIN_FUNCTIONS = "functions"
"""A plugin's own functions: ``mockserver/moodle/plugins/<name>/functions.py`` exporting ``FUNCTIONS``."""


def _function_modules() -> Iterator[ModuleType]:
    for package_name in FUNCTION_PACKAGES:
        package = importlib.import_module(package_name)
        for info in sorted(pkgutil.iter_modules(package.__path__), key=lambda m: m.name):
            yield importlib.import_module(f"{package_name}.{info.name}")
    for name in plugin_names():
        module = plugin_part(name, PLUGIN_FUNCTIONS)
        if module is not None:
            yield module


@cache
def registry() -> dict[str, ExternalFunction]:
    """The function table, built from the modules themselves (core's and each plugin's): adding a
    function is adding a module (imported here, not at package import, so they may import this one)."""
    table: dict[str, ExternalFunction] = {}
    for module in _function_modules():
        for function in getattr(module, "FUNCTIONS", ()):
            if function.name in table:
                raise RuntimeError(f"external function {function.name} defined twice")
            table[function.name] = function
    return table
