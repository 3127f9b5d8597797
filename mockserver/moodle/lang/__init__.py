"""String lookup with Moodle's per-string English fallback; plugins' strings join core's."""

from __future__ import annotations

from functools import cache

from mockserver.moodle.lang import en, es

CORE_TABLES: dict[str, dict[tuple[str, str], str]] = {"en": en.STRINGS, "es": es.STRINGS}
INSTALLED_LANGUAGES = tuple(CORE_TABLES)


@cache
def tables() -> dict[str, dict[tuple[str, str], str]]:
    """Core's tables with every plugin's strings added (built on first use: plugins import this module)."""
    from mockserver.moodle.plugins.registry import plugin_strings

    extra = plugin_strings()
    return {lang: {**table, **extra.get(lang, {})} for lang, table in CORE_TABLES.items()}


def normalise_component(component: str) -> str:
    return "error" if component in ("", "moodle", "core") else component


def string_exists(identifier: str, component: str) -> bool:
    return (component, identifier) in tables()["en"]


def get_string(identifier: str, component: str = "moodle", a: object = None, lang: str = "en") -> str:
    """``get_string()``: the language's text, else English, with ``{$a}`` substituted."""
    key = (component, identifier)
    loaded = tables()
    text = loaded.get(lang, {}).get(key) or loaded["en"][key]
    if isinstance(a, dict):
        # ``{$a->name}`` placeholders; a missing one stays literal, as PHP leaves it.
        for name, value in a.items():
            text = text.replace(f"{{$a->{name}}}", str(value))
    elif a is not None:
        text = text.replace("{$a}", str(a))
    return text
