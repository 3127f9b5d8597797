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
``MIN_CHARS`` or more take this path: smaller ones parse in PyYAML in well under a second.
"""

from __future__ import annotations

import functools
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


def load(text: str, min_chars: int | None = None) -> Any | None:
    """The data of a large ``text`` as the scenario loader's PyYAML path reads it, or None: a small
    or flagged text, yaml-rs not installed, or a text it refuses (PyYAML then parses and reports)."""
    if len(text) < (MIN_CHARS if min_chars is None else min_chars) or risky(text):
        return None
    try:
        import yaml_rs
    except ImportError:  # pragma: no cover - a dependency; an install without it parses with PyYAML
        return None
    try:
        data = yaml_rs.loads(text, parse_datetime=False, duplicate_key_policy=yaml_rs.DuplicateKeyPolicy.Error)
    except (ValueError, TypeError, RecursionError):
        return None
    return {} if data is None else data
