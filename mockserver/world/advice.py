"""Warnings, not errors: values Moodle would store but that never match anything.

A service listing a function name no site has (a typo of ``auth_userkey_request_login_url``) is
stored by Moodle and every call to it fails; an ``auth_userkey`` ``keylifetime`` that is not a
number is stored too and cast by PHP's ``(int)``. The scenario loads; ``mockserver validate``
shows these with file and line.
"""

from __future__ import annotations

import difflib
import re
from pathlib import Path

from mockserver.world.spec import Scenario

Loc = tuple[str | int, ...]
_INTEGER = re.compile(r"\s*[+-]?[0-9]+\s*")


_EXTERNAL_FUNCTION = re.compile(r"""\bExternalFunction\(\s*(?:name\s*=\s*)?(["'])([^"'\\]+)\1""")


def function_names() -> set[str]:
    """The external functions this server has, read from their modules' source (``ExternalFunction(
    name="...")``, the name first) rather than imported: importing the web service layer would cost
    ``validate`` more than everything else it does, and so would parsing the modules (a test keeps
    this equal to the registry)."""
    moodle = Path(__file__).resolve().parent.parent / "moodle"
    files = [*sorted((moodle / "functions").glob("*.py")), *sorted((moodle / "plugins").glob("*/functions.py"))]
    names: set[str] = set()
    for path in files:
        names.update(match[1] for match in _EXTERNAL_FUNCTION.findall(path.read_text(encoding="utf-8")))
    return names


def advise(scenario: Scenario) -> list[tuple[Loc, str]]:
    """(location, message) for each value worth a warning."""
    found: list[tuple[Loc, str]] = []
    if any(service.functions for service in scenario.services):
        known = function_names()
        for i, service in enumerate(scenario.services):
            for j, name in enumerate(service.functions):
                if name not in known:
                    close = difflib.get_close_matches(name, sorted(known), n=1, cutoff=0.8)
                    hint = f" (did you mean `{close[0]}`?)" if close else ""
                    found.append(
                        (
                            ("services", i, "functions", j),
                            f"warning: unknown function {name!r}: Moodle would list it, but every call to it fails"
                            f"{hint}",
                        )
                    )
    found.extend(_keylifetime(scenario))
    return found


def _keylifetime(scenario: Scenario) -> list[tuple[Loc, str]]:
    settings = getattr(scenario.plugins, "auth_userkey", None)
    value = getattr(settings, "keylifetime", None)
    if not isinstance(value, str) or _INTEGER.fullmatch(value):
        return []
    from mockserver.moodle.params import php_intval

    seconds = php_intval(value)
    return [
        (
            ("plugins", "auth_userkey", "keylifetime"),
            f"warning: keylifetime {value!r} is not a number of seconds: Moodle stores it and PHP's (int) "
            f"reads {seconds}" + (" (every key is born expired)" if seconds <= 0 else ""),
        )
    ]
