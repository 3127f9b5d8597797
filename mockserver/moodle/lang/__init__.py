"""String lookup with Moodle's per-string English fallback."""

from __future__ import annotations

from mockserver.moodle.lang import en, es

TABLES: dict[str, dict[tuple[str, str], str]] = {"en": en.STRINGS, "es": es.STRINGS}
INSTALLED_LANGUAGES = tuple(TABLES)


def normalise_component(component: str) -> str:
    return "error" if component in ("", "moodle", "core") else component


def string_exists(identifier: str, component: str) -> bool:
    return (component, identifier) in en.STRINGS


def get_string(identifier: str, component: str = "moodle", a: object = None, lang: str = "en") -> str:
    """``get_string()``: the language's text, else English, with ``{$a}`` substituted."""
    key = (component, identifier)
    text = TABLES.get(lang, {}).get(key) or en.STRINGS[key]
    if a is not None:
        text = text.replace("{$a}", str(a))
    return text
