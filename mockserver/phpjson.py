"""PHP ``json_encode`` with default flags, byte for byte.

Moodle writes its web-service JSON with ``json_encode($value)``: slashes are escaped as ``\\/``,
every non-ASCII character becomes a lower-case ``\\u00e9``-style escape (surrogate pairs above the BMP)
and there is no whitespace. Floats use PHP's ``serialize_precision = -1`` (shortest round trip,
integral values keep ``.0``).
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping, Sequence
from decimal import Decimal
from json.encoder import encode_basestring_ascii  # what json.dumps(str) calls
from typing import Any

_NEEDS_SLOW_PATH = re.compile("[\ud800-\udfff\x7f]")
_SHORT_ESCAPES = {
    '"': '\\"',
    "\\": "\\\\",
    "/": "\\/",
    "\b": "\\b",
    "\f": "\\f",
    "\n": "\\n",
    "\r": "\\r",
    "\t": "\\t",
}


def _encode_string(text: str) -> str:
    if _NEEDS_SLOW_PATH.search(text):
        return _encode_string_slow(text)
    # json.dumps already writes lower-case \u00e9-style escapes and surrogate pairs like PHP; only
    # the slash differs.
    return encode_basestring_ascii(text).replace("/", "\\/")


def _encode_string_slow(text: str) -> str:
    out = ['"']
    for char in text:
        escaped = _SHORT_ESCAPES.get(char)
        if escaped is not None:
            out.append(escaped)
            continue
        code = ord(char)
        if 0x20 <= code <= 0x7F:
            out.append(char)
        elif 0xD800 <= code <= 0xDFFF:
            # Lone surrogates come from undecodable input bytes; PHP would substitute U+FFFD
            # under JSON_INVALID_UTF8_SUBSTITUTE, which is the closest safe rendering.
            out.append("\\ufffd")
        elif code > 0xFFFF:
            code -= 0x10000
            out.append(f"\\u{0xD800 + (code >> 10):04x}\\u{0xDC00 + (code & 0x3FF):04x}")
        else:
            out.append(f"\\u{code:04x}")
    out.append('"')
    return "".join(out)


def _encode_float(value: float) -> str:
    """``serialize_precision = -1``: shortest digits, then ``php_gcvt(value, 17)`` layout, ``.0`` kept."""
    if math.isnan(value) or math.isinf(value):
        return "0"  # PHP refuses these; Moodle never emits them.
    if value == 0:
        return "-0.0" if math.copysign(1.0, value) < 0 else "0.0"
    sign, digits_tuple, exponent = Decimal(repr(value)).normalize().as_tuple()
    assert isinstance(exponent, int)
    digits = "".join(map(str, digits_tuple))
    decpt = len(digits) + exponent
    prefix = "-" if sign else ""
    if (decpt < -3) if decpt < 0 else (decpt > 17):
        mantissa = digits[0] + "." + (digits[1:] or "0")
        return f"{prefix}{mantissa}e{'-' if decpt - 1 < 0 else '+'}{abs(decpt - 1)}"
    if decpt <= 0:
        return f"{prefix}0.{'0' * -decpt}{digits}"
    whole = digits[:decpt].ljust(decpt, "0")
    fraction = digits[decpt:] or "0"
    return f"{prefix}{whole}.{fraction}"


def encode(value: Any) -> str:
    """Return ``json_encode(value)`` as PHP would print it."""
    if value is None:
        return "null"
    if value is True:
        return "true"
    if value is False:
        return "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        return _encode_float(value)
    if isinstance(value, str):
        return _encode_string(value)
    if isinstance(value, Mapping):
        if not value:
            return "[]"  # an empty PHP array is a list
        items = ",".join(f"{_encode_string(str(k))}:{encode(v)}" for k, v in value.items())
        return "{" + items + "}"
    if isinstance(value, Sequence):
        return "[" + ",".join(encode(v) for v in value) + "]"
    raise TypeError(f"cannot encode {type(value).__name__}")


_SURROGATE = re.compile("[\ud800-\udfff]")


def _valid_utf8(value: Any) -> bool:
    if isinstance(value, str):
        return not _SURROGATE.search(value)
    if isinstance(value, Mapping):
        return all(_valid_utf8(str(k)) and _valid_utf8(v) for k, v in value.items())
    if isinstance(value, (list, tuple)):
        return all(_valid_utf8(v) for v in value)
    return True


def json_encode(value: Any) -> str | None:
    """``json_encode($value)``: None (PHP ``false``) when a string holds invalid UTF-8.

    Undecodable request bytes reach Moodle's messages through debuginfo; PHP then fails the whole
    encoding and ``echo false`` prints nothing, so the caller sends an empty body.
    """
    if type(value) is dict and value and _plain_strings(value):
        # Only strings, none needing the slow path: each as the json module writes it (what
        # ``_encode_string`` does), slashes escaped once for all (they only stand inside strings).
        items = ",".join(f"{encode_basestring_ascii(k)}:{encode_basestring_ascii(v)}" for k, v in value.items())
        return "{" + items.replace("/", "\\/") + "}"
    return encode(value) if _valid_utf8(value) else None


def _plain_strings(value: dict[Any, Any]) -> bool:
    for key, item in value.items():
        if (
            type(key) is not str
            or type(item) is not str
            or _NEEDS_SLOW_PATH.search(key)
            or _NEEDS_SLOW_PATH.search(item)
        ):
            return False
    return True
