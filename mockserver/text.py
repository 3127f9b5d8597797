"""The one place that decides how bytes that were not UTF-8 become text.

Request parameters are decoded with ``surrogateescape`` (``mockserver.phpform``) so that each
undecodable byte survives as a lone surrogate until a rule looks at it. From there:

* pages and anything Moodle itself would clean: ``fix_utf8`` drops them, as core's
  ``fix_utf8()`` (``iconv('UTF-8', 'UTF-8//IGNORE')``) does inside ``clean_param``;
* the journal, the dashboard and anything a person reads back: ``shown`` turns each into
  U+FFFD, so the entry stays valid JSON and still shows that a byte was there.

Every way out to the wire goes through one of the two, so no lone surrogate reaches an encoder.
"""

from __future__ import annotations

import re

_SURROGATE = re.compile("[\ud800-\udfff]")
REPLACEMENT = "\ufffd"


def fix_utf8(value: str) -> str:
    """Drop what was not valid UTF-8 (Moodle's ``fix_utf8``)."""
    if value.isascii():
        return value
    return _SURROGATE.sub("", value)


def shown(value: str) -> str:
    """Each byte that was not valid UTF-8 as U+FFFD (for journals and other read-backs)."""
    if value.isascii():
        return value
    return _SURROGATE.sub(REPLACEMENT, value)


def finalize(value: object) -> object:
    """Jinja's ``finalize``: every value a template prints is cleaned the Moodle way first."""
    return fix_utf8(value) if isinstance(value, str) else value
