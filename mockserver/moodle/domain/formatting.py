"""``format_string()`` / ``external_format_string()`` with default options."""

from __future__ import annotations

import re

from mockserver.moodle.params import strip_tags

_LONE_AMPERSAND = re.compile(r"&(?![a-zA-Z0-9#]{1,8};)")


def format_string(text: str) -> str:
    """Lone ``&`` escaped, tags stripped (``formatstringstriptags``), ``<``/``>`` escaped."""
    return strip_tags(_LONE_AMPERSAND.sub("&amp;", text)).replace("<", "&lt;").replace(">", "&gt;")


def external_format_string(text: str, raw: bool) -> str:
    """Web services return names raw when ``moodlewssettingraw=1``."""
    return text if raw else format_string(text)
