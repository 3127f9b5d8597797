"""Finding plugin folders: every subpackage of ``mockserver.moodle.plugins`` is a plugin.

Only names are listed here; a plugin's parts (``settings``, ``plugin``, ``functions``) are imported
on demand, so ``mockserver validate`` loads settings models without the pages behind them.
"""

from __future__ import annotations

import importlib
import pkgutil
from functools import cache
from pathlib import Path
from types import ModuleType

PACKAGE = "mockserver.moodle.plugins"
_FOLDER = Path(__file__).resolve().parent


@cache
def plugin_names() -> tuple[str, ...]:
    """Frankenstyle names of the plugin folders, sorted (the order hooks of equal rank run in)."""
    return tuple(sorted(info.name for info in pkgutil.iter_modules([str(_FOLDER)]) if info.ispkg))


def plugin_part(name: str, part: str) -> ModuleType | None:
    """``mockserver.moodle.plugins.<name>.<part>``, or None when the plugin has no such module."""
    folder = _FOLDER / name
    if not ((folder / f"{part}.py").is_file() or (folder / part / "__init__.py").is_file()):
        return None
    return importlib.import_module(f"{PACKAGE}.{name}.{part}")


def plugin_folder(name: str) -> Path:
    return _FOLDER / name
