"""Large YAML files parsed by a compiled parser when that gives exactly what PyYAML gives.

PyYAML builds every scalar in Python: a world of 300,000 items takes ~10 s and ~900 MB even through
libyaml. yaml-rs (a Rust parser with a C-level conversion to Python objects) reads the same file
several times faster, but it follows YAML 1.2 where PyYAML follows 1.1, and the scenario loader
keeps mapping keys as the text written. They read a document differently only through a few kinds
of plain scalars and syntax, so a text is handed to yaml-rs only when one regular-expression scan
(in C) finds none of them:

* plain scalars YAML 1.1 reads as booleans and 1.2 as text (``yes``, ``no``, ``on``, ``off``);
* plain scalars that start like a number (digits, a sign, a dot) other than plain decimals such as
  ``12``, ``-3`` or ``1.5``: octal ``0777``, ``0o17``, ``1e5``, dates, times, ``1:30``, ``.inf``;
* keys a 1.2 parser would not keep as text (``1:``, ``true:``, ``null:``, ``~:``), ``<<`` and ``=``;
* tags, anchors, aliases, directives, ``?`` keys, several documents, tabs, characters PyYAML refuses.

The scan is conservative (a quoted ``"yes"`` counts too): a file it flags, and any file yaml-rs
refuses, is parsed by PyYAML as before, so every error and its line stay PyYAML's. Only files of
``MIN_CHARS`` or more take this path: smaller ones parse in PyYAML in well under a second. A large
text is parsed in pieces of about 250 KB (``_pieces``), cut between the items of a list written at
column 0 as ``yaml.dump`` writes it, so yaml-rs holds only a few small trees at once; the pieces
parse side by side on threads (yaml-rs does not hold the GIL while it parses): a 14 MB world took
1.7 s to load instead of 2.5 s, with a lower peak RSS (306 MB instead of 314).
"""

from __future__ import annotations

import functools
import os
import re
from typing import Any

MIN_CHARS = 1_000_000

_SEP = r"\s,\[\]{}"
_END = rf"(?=[{_SEP}]|\Z)"
_KEY_END = rf"(?=:(?:[{_SEP}]|\Z))"
_DECIMAL = r"[-+]?(?:0|[1-9][0-9]*)(?:\.[0-9]+)?"

# A token: what follows a space, a line break or a flow indicator. The pattern starts with a
# character class and stops only where the token's first character could start something risky
# (the lookahead): one C-level pass of ~0.1-0.2 s over a 14 MB world.
_RISKY_TOKEN = (
    rf"[{_SEP}](?=[yYnNoO.0-9+\-tTfF~<=&*!%@`?:])(?:"
    + "|".join(
        (
            rf"(?:yes|Yes|YES|no|No|NO|on|On|ON|off|Off|OFF){_END}",
            rf"(?!{_DECIMAL}{_END})[-+]?[.0-9]",  # number-like, not a plain decimal (keys too)
            rf"(?:true|True|TRUE|false|False|FALSE|null|Null|NULL|~){_KEY_END}",
            rf"(?:<<|=)(?=[{_SEP}:]|\Z)",
            r"[&*!%@`?]",
            rf":(?=[{_SEP}]|\Z)",  # a key left out
        )
    )
    + ")"
)
# what PyYAML's reader refuses, line breaks only YAML 1.1 has, and tabs (read differently)
_UNREADABLE = "[^\x0a\x0d\x20-\x7e\xa0-\u2027\u202a-\ud7ff\ue000-\ufefe\uff00-\ufffd\U00010000-\U0010ffff]"


@functools.cache
def _compiled(pattern: str) -> re.Pattern[str]:
    return re.compile(pattern)  # on first use: compiling both costs a start-up ~10 ms


def risky(text: str) -> bool:
    """Whether ``text`` may hold something yaml-rs and PyYAML read differently."""
    return (
        text.startswith("---")
        or "\n---" in text  # several documents
        or "\r---" in text
        or _compiled(_UNREADABLE).search(text) is not None
        or _compiled(_RISKY_TOKEN).search("\n" + text) is not None  # (a line break before the first token)
    )


PIECE_CHARS = 250_000
"""A large text is parsed a piece of about this size at a time (less peak memory: ``_pieces``)."""
PARSERS = max(1, min(4, os.cpu_count() or 1))
"""Threads parsing pieces at once."""

_LINE_AT_0 = re.compile(r"\n(?=[^\s#])")  # a line holding something at column 0: a key or an item
_KEY_AT_0 = re.compile(r"\n(?=[^\s#\-]|-\S)")  # one holding something else than an item


def _item_at(text: str, at: int) -> bool:
    """Whether the line starting at ``at`` is an item of a sequence at column 0 (``- ...``)."""
    return text.startswith("-", at) and (at + 1 == len(text) or text[at + 1] in " \r\n")


def _item_before(text: str, at: int) -> bool:
    """Whether the last line with something at column 0 before ``at`` is an item too."""
    end = at - 1
    while end > 0:
        start = text.rfind("\n", 0, end) + 1
        if start < end and text[start] not in " \t\r#":
            return _item_at(text, start)
        end = start - 1
    return False


def _pieces(text: str, size: int) -> list[str]:
    """``text`` cut, about ``size`` characters apart, before an item at column 0 that follows another
    (``- username: ...`` lines under ``users:``); a piece that starts with items ends before the next
    line at column 0 that is not one (a key), so that it parses as a sequence. Parsed one at a time
    the pieces give what the whole text gives: a line at column 0 can only go on the sequence or the
    mapping at column 0, unless the piece before it was cut inside a quoted scalar or a flow
    collection, and then that piece does not parse."""
    pieces: list[str] = []
    start = 0
    while start < len(text):
        cut = None
        for match in _LINE_AT_0.finditer(text, start + size):
            if _item_at(text, match.end()) and _item_before(text, match.end()):
                cut = match.end()
                break
        if pieces and _item_at(text, start):
            key = _KEY_AT_0.search(text, start, len(text) if cut is None else cut)
            cut = key.end() if key is not None else cut
        pieces.append(text[start:cut])
        start = len(text) if cut is None else cut
    return pieces


def load(text: str, min_chars: int | None = None, piece_chars: int = PIECE_CHARS) -> Any | None:
    """The data of a large ``text`` as the scenario loader's PyYAML path reads it, or None: a small
    or flagged text, yaml-rs not installed, or a text it refuses (PyYAML then parses and reports)."""
    if len(text) < (MIN_CHARS if min_chars is None else min_chars) or risky(text):
        return None
    from concurrent.futures import ThreadPoolExecutor  # here: importing it costs a start-up ~5 ms

    try:
        import yaml_rs
    except ImportError:  # pragma: no cover - a dependency; an install without it parses with PyYAML
        return None

    def parse(piece: str) -> Any:
        return yaml_rs.loads(piece, parse_datetime=False, duplicate_key_policy=yaml_rs.DuplicateKeyPolicy.Error)

    pieces = _pieces(text, piece_chars)
    result: Any = _NOTHING
    # yaml-rs parses without holding the GIL, so pieces parse side by side (about twice as fast on
    # two cores); they are joined in order.
    with ThreadPoolExecutor(max_workers=min(len(pieces), PARSERS)) as parsers:
        try:
            for piece, data in zip(pieces, parsers.map(parse, pieces), strict=True):
                if result is _NOTHING:
                    result = data
                elif not _joined(result, data, items=_item_at(piece, 0)):
                    return None  # pieces that do not fit together: PyYAML reads the whole text
        except (ValueError, TypeError, RecursionError):
            return None
        finally:
            parsers.shutdown(cancel_futures=True)  # a refused piece: the rest are not needed
    return {} if result is None or result is _NOTHING else result


_NOTHING = object()


def _joined(result: Any, data: Any, *, items: bool) -> bool:
    """Add a piece's ``data`` to ``result``: items to the sequence at column 0 (the top level's, or
    the last key's), keys to the mapping at column 0; False when they do not fit (a repeated key)."""
    if items:
        target = next(reversed(result.values()), None) if isinstance(result, dict) else result
        if not isinstance(target, list) or not isinstance(data, list):
            return False
        target.extend(data)
        return True
    if not isinstance(result, dict) or not isinstance(data, dict) or result.keys() & data.keys():
        return False
    result.update(data)
    return True
