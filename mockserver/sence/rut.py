"""Chilean RUT/RUN: módulo-11 check digit and the wire format ``xxxxxxxx-x`` (no dots)."""

from __future__ import annotations

import re

# Body without leading zeros, 1 to 8 digits, hyphen, check digit (k or K). Max 10 characters.
_WIRE = re.compile(r"([1-9][0-9]{0,7})-([0-9kK])")


def check_digit(body: str) -> str:
    """The módulo-11 check digit of the digits in ``body`` ('0'-'9' or 'K')."""
    total = 0
    for position, digit in enumerate(reversed(body)):
        total += int(digit) * (2 + position % 6)
    value = 11 - total % 11
    if value == 11:
        return "0"
    if value == 10:
        return "K"
    return str(value)


def is_valid(value: str) -> bool:
    """True when ``value`` is in wire format and its check digit is right."""
    match = _WIRE.fullmatch(value)
    return match is not None and check_digit(match.group(1)) == match.group(2).upper()


def normalise(value: str) -> str:
    """Canonical form for comparisons: dots and spaces removed, upper-case K."""
    return re.sub(r"[.\s]", "", value).upper()


def with_check_digit(body: int) -> str:
    """Build a valid RUN from its body, e.g. for fixtures: 12345678 → '12345678-5'."""
    return f"{body}-{check_digit(str(body))}"
