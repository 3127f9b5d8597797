"""``json_encode($value, JSON_NUMERIC_CHECK)``: every numeric string becomes a JSON number.

PHP 8's ``is_numeric`` rule: optional leading and trailing whitespace, a sign, digits with an
optional fraction and exponent. Integers that fit in 64 bits stay integers, the rest become floats.
A float overflowing to INF makes ``json_encode`` fail, and so does invalid UTF-8: PHP returns
``false``, ``echo`` prints nothing, and the body is empty.

The plugin's replies are PHP objects (``(object) array()`` or ``array('k' => ...)``), so every
mapping is encoded as a JSON object, ``{}`` when empty.
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping
from typing import Any

from mockserver import phpjson

_SPACE = " \t\n\r\v\f"
_NUMERIC = re.compile(r"[ \t\n\r\v\f]*[+-]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)(?:[eE][+-]?[0-9]+)?[ \t\n\r\v\f]*")
_INTEGER = re.compile(r"[ \t\n\r\v\f]*[+-]?[0-9]+[ \t\n\r\v\f]*")
_INT64 = 2**63


class _Unencodable(Exception):
    """PHP's json_encode() would return false."""


def numeric(value: str) -> int | float | str:
    """The value JSON_NUMERIC_CHECK encodes for a string."""
    if not _NUMERIC.fullmatch(value):
        return value
    if _INTEGER.fullmatch(value):
        number = int(value.strip(_SPACE))
        if -_INT64 <= number < _INT64:
            return number
    result = float(value.strip(_SPACE))
    if math.isinf(result):
        raise _Unencodable
    return result


def _encode(value: Any) -> str:
    if isinstance(value, str):
        value = numeric(value)
        if isinstance(value, str):
            encoded = phpjson.json_encode(value)
            if encoded is None:
                raise _Unencodable
            return encoded
    if isinstance(value, float) and (math.isinf(value) or math.isnan(value)):
        raise _Unencodable
    if isinstance(value, Mapping):
        items = []
        for key, item in value.items():
            name = phpjson.json_encode(str(key))
            if name is None:
                raise _Unencodable
            items.append(f"{name}:{_encode(item)}")
        return "{" + ",".join(items) + "}"
    if isinstance(value, (list, tuple)):
        return "[" + ",".join(_encode(item) for item in value) + "]"
    return phpjson.encode(value)


def encode_numeric_check(value: Any) -> str:
    """The body ``echo json_encode($value, JSON_NUMERIC_CHECK)`` prints ('' when PHP fails)."""
    try:
        return _encode(value)
    except _Unencodable:
        return ""
