"""How PHP turns values into text: string conversion, ``print_r`` and ``var_export``.

Moodle puts such text into debuginfo (``Only arrays accepted. The bad value is: '<print_r>'``,
the SQL parameters of a ``dml_missing_record_exception``) and into XML bodies (floats).
Arrays are the ``dict[str, ...]`` the form decoder builds; keys that look like canonical
integers are PHP integer keys.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from typing import Any

from mockserver.phpform import is_int_key


def float_to_string(value: float) -> str:
    """``(string)$float`` with PHP's ``precision = 14`` (``33.333333333333``, ``1.0E+25``)."""
    if math.isnan(value):
        return "NAN"
    if math.isinf(value):
        return "INF" if value > 0 else "-INF"
    text = f"{value:.14G}"
    if "E" in text:
        mantissa, exponent = text.split("E")
        if "." not in mantissa:
            mantissa += ".0"
        sign = "-" if exponent.startswith("-") else "+"
        return f"{mantissa}E{sign}{exponent.lstrip('+-').lstrip('0') or '0'}"
    return text


def to_string(value: Any) -> str:
    """PHP string conversion of a scalar (arrays become ``Array``)."""
    if type(value) is str:  # the usual case, answered first
        return value
    if value is None or value is False:
        return ""
    if value is True:
        return "1"
    if isinstance(value, float):
        return float_to_string(value)
    if isinstance(value, (Mapping, list, tuple)):
        return "Array"
    return str(value)


def _items(value: Mapping[str, Any] | Sequence[Any]) -> list[tuple[str, Any]]:
    if isinstance(value, Mapping):
        return [(str(k), v) for k, v in value.items()]
    return [(str(i), v) for i, v in enumerate(value)]


def _is_array(value: Any) -> bool:
    return isinstance(value, (Mapping, list, tuple))


def print_r(value: Any, indent: int = 0) -> str:
    """``print_r($value, true)``."""
    if not _is_array(value):
        return to_string(value)
    pad = " " * indent
    lines = [f"Array\n{pad}(\n"]
    for key, item in _items(value):
        lines.append(f"{pad}    [{key}] => {print_r(item, indent + 8)}\n")
    lines.append(f"{pad})\n")
    return "".join(lines)


def _export_string(value: str) -> str:
    escaped = value.replace("\\", "\\\\").replace("'", "\\'")
    return "'" + escaped.replace("\0", "' . \"\\0\" . '") + "'"


def var_export(value: Any, level: int = 1) -> str:
    """``var_export($value, true)``."""
    if value is None:
        return "NULL"
    if value is True or value is False:
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        text = repr(value)
        return text if any(c in text for c in ".eEn") else f"{text}.0"
    if not _is_array(value):
        return _export_string(str(value))
    out = []
    if level > 1:
        out.append("\n" + " " * (level - 1))
    out.append("array (\n")
    for key, item in _items(value):
        shown = key if is_int_key(key) else _export_string(key)
        out.append(f"{' ' * (level + 1)}{shown} => {var_export(item, level + 2)},\n")
    if level > 1:
        out.append(" " * (level - 1))
    out.append(")")
    return "".join(out)
