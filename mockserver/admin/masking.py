"""Secrets out of the journal: tokens and login keys shortened, passwords hidden.

Journals end up in CI logs. Tokens (``wstoken``, SENCE's ``Token``, ``privatetoken``), login keys
and session keys are shown shortened (``d1c2…8f90``) so that two different ones stay
distinguishable; passwords are replaced entirely. The same rules apply to response bodies and
``Location`` headers, where a login URL carries its key. Plugins add their own secrets
(``Masking`` in their plugin.py).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from functools import cache

HIDDEN = "********"
_SHORTEN = frozenset({"wstoken", "token", "privatetoken", "sesskey", "moodlesession"})
_PASSWORD = re.compile(r"pass(word)?|passwd|secret|clave", re.IGNORECASE)  # clave: SENCE's login page


def shorten(value: str) -> str:
    """``d1c2b3a4e5f60718293a4b5c6d7e8f90`` -> ``d1c2…8f90``; short values are hidden whole."""
    if len(value) < 12:
        return HIDDEN if value else value
    return f"{value[:4]}…{value[-4:]}"


def leaf_name(name: str) -> str:
    """The last segment of a PHP parameter name: ``users[0][password]`` -> ``password``."""
    if name.endswith("]") and "[" in name:
        return name[name.rindex("[") + 1 : -1]
    return name


@cache
def _rules() -> tuple[frozenset[str], tuple[re.Pattern[str], ...]]:
    """Core's rules plus every plugin's (``Masking`` in its plugin.py), gathered on first use."""
    from mockserver.moodle.plugins.registry import plugin_masking

    plugins = plugin_masking()
    return _SHORTEN | plugins.shorten, _TEXT_RULES + plugins.text_rules


def mask_value(name: str, value: str) -> str:
    if _PASSWORD.search(leaf_name(name)):
        return HIDDEN if value else value
    # The parameter's own name, not a leaf: ``criteria[0][key]=email`` is data, ``key=<32 hex>`` is a
    # login key, and ``wstoken[]=<token>`` (journaled as ``wstoken[0]``) is still a token.
    if name.partition("[")[0].lower() in _rules()[0]:
        return shorten(value)
    # A URL given as a value (``wantsurl``, ``return``) may carry a token of its own.
    if "oken=" in value:
        return mask_text(value)
    return value


def mask_params(params: Mapping[str, str]) -> dict[str, str]:
    return {name: mask_value(name, value) for name, value in params.items()}


_TEXT_RULES = (
    # token.php answers, JSON and XML keys of tokens
    re.compile(r'(?P<pre>"(?:token|privatetoken|wstoken|Token)"\s*:\s*")(?P<secret>[^"]{12,})'),
    re.compile(r'(?P<pre><KEY name="(?:token|privatetoken)"><VALUE>)(?P<secret>[^<]{12,})'),
    # auto-posting forms (SENCE's Token field) and links carrying a token
    re.compile(r'(?P<pre>name="(?:Token|token|wstoken)"\s+value=")(?P<secret>[^"]{12,})'),
    re.compile(r"(?P<pre>[?&;](?:wstoken|token|Token)=)(?P<secret>[^&#\s\"'<]{12,})"),
)
_PASSWORD_TEXT = re.compile(r'(?P<pre>"(?:password|newpassword)"\s*:\s*")(?P<secret>[^"]+)')


def mask_text(text: str) -> str:
    """Shorten tokens and keys, hide passwords, in a body excerpt or a URL."""
    for rule in _rules()[1]:
        text = rule.sub(lambda m: m.group("pre") + shorten(m.group("secret")), text)
    return _PASSWORD_TEXT.sub(lambda m: m.group("pre") + HIDDEN, text)
