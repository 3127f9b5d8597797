"""PHP's decoding of query strings and form bodies into nested arrays (``parse_str``).

``user[username]=x`` becomes ``{"user": {"username": "x"}}``; ``values[]=a&values[]=b`` appends;
a repeated scalar key keeps the last value; dots and spaces in top-level names become ``_``;
variables beyond ``max_input_vars`` are silently dropped. Values are decoded as UTF-8 with
``surrogateescape`` so that invalid bytes survive to the PARAM cleaning layer, which rejects them
as Moodle does.

Names follow ``php_register_variable_ex`` (PHP 8): leading spaces are dropped, a name that is
empty before its first ``[`` is ignored, ``[ ]`` appends like ``[]``, text after a closing ``]``
that does not open another ``[`` is ignored, an unclosed first ``[`` becomes ``_`` (and so do
spaces, dots and ``[`` after it), and a NUL byte ends the name. Keys that look like canonical
integers are PHP integer keys: ``_next_index`` and :func:`array_merge` treat them as such.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from functools import lru_cache
from typing import Union
from urllib.parse import unquote_to_bytes

PhpValue = Union[str, "PhpArray"]
PhpArray = dict[str, PhpValue]

MAX_INPUT_VARS = 1000
MAX_INPUT_NESTING_LEVEL = 64
_INT_KEY = re.compile(r"(?:0|-?[1-9][0-9]*)")
_INT_KEY_MAX = 2**63 - 1
_INT_FIRST = frozenset("-0123456789")


def _decode(raw: bytes) -> str:
    if b"%" not in raw and b"+" not in raw:
        return raw.decode("utf-8", "surrogateescape")
    return unquote_to_bytes(raw.replace(b"+", b" ")).decode("utf-8", "surrogateescape")


def is_int_key(key: str) -> bool:
    """Whether PHP stores this array key as an integer (``ZEND_HANDLE_NUMERIC_STR``)."""
    if key[:1] not in _INT_FIRST:  # most keys are names: no need for the expression
        return False
    return bool(_INT_KEY.fullmatch(key)) and -_INT_KEY_MAX - 1 <= int(key) <= _INT_KEY_MAX


def _split_name(name: str) -> tuple[str, list[str | None] | None] | None:
    """Split ``a[b][]`` into ``("a", ["b", None])`` (None index = append).

    None means the variable is ignored; ``(base, None)`` means it nests too deep, which makes PHP
    drop ``base`` altogether.
    """
    name = name.split("\0", 1)[0].lstrip(" ")
    bracket = name.find("[")
    base = name if bracket < 0 else name[:bracket]
    base = base.replace(" ", "_").replace(".", "_")
    if not base:
        return None
    if bracket < 0:
        return base, []
    subkeys: list[str | None] = []
    pos = bracket  # at a '['
    while True:
        if len(subkeys) >= MAX_INPUT_NESTING_LEVEL:
            return base, None
        start = pos + 1
        probe = start + 1 if name[start : start + 1] == " " else start
        if name[probe : probe + 1] == "]":
            subkeys.append(None)
            close = probe
        else:
            close = name.find("]", probe)
            if close < 0:
                if not subkeys:
                    # Not an index: the '[' and any later ' ', '.', '[' become '_'.
                    rest = re.sub(r"[ .\[]", "_", name[start:])
                    return f"{base}_{rest}", []
                return base, subkeys
            subkeys.append(name[start:close])
        pos = close + 1
        if name[pos : pos + 1] != "[":
            return base, subkeys


def _next_index(array: PhpArray) -> str:
    numeric = [int(k) for k in array if is_int_key(k)]
    return str(max(max(numeric) + 1, 0)) if numeric else "0"


def _assign(target: PhpArray, base: str, subkeys: Sequence[str | None], value: str) -> None:
    node = target
    key = base
    for subkey in subkeys:
        child = node.get(key)
        if not isinstance(child, dict):
            child = {}
            node[key] = child
        node = child
        key = _next_index(node) if subkey is None else subkey
    node[key] = value


Split = tuple[str, tuple[str | None, ...] | None] | None


def _frozen_split(name: str) -> Split:
    split = _split_name(name)
    if split is None:
        return None
    base, subkeys = split
    return base, None if subkeys is None else tuple(subkeys)


_split_name_cached = lru_cache(maxsize=4096)(_frozen_split)
"""``_split_name`` memoised: clients send the same few parameter names over and over."""


def _split(name: str) -> Split:
    return _split_name_cached(name) if len(name) <= 256 else _frozen_split(name)


def register(target: PhpArray, name: str, value: str) -> None:
    """``php_register_variable_ex``: store one decoded (name, value) pair."""
    _store(target, _split(name), value)


_RAW_NAMES: dict[bytes, Split] = {}
"""Raw (still encoded) name -> its split, so that the names clients send over and over are decoded
and split once; at most ``_RAW_NAMES_MAX`` names of at most 256 bytes, then none are added."""
_RAW_NAMES_MAX = 4096


def _split_raw(raw: bytes) -> Split:
    try:
        return _RAW_NAMES[raw]
    except KeyError:
        pass
    split = _split(_decode(raw))
    if len(raw) <= 256 and len(_RAW_NAMES) < _RAW_NAMES_MAX:
        _RAW_NAMES[raw] = split
    return split


def _store(target: PhpArray, split: Split, value: str) -> None:
    if split is None:
        return
    base, subkeys = split
    if subkeys is None:
        target.pop(base, None)
    else:
        _assign(target, base, subkeys, value)


def assign_pairs(target: PhpArray, pairs: list[tuple[str, str]]) -> None:
    """Store already-decoded (name, value) pairs, as PHP does for multipart fields."""
    for name, value in pairs[:MAX_INPUT_VARS]:
        register(target, name, value)


def parse(query: bytes | str) -> PhpArray:
    """Decode a query string or urlencoded body the way PHP fills ``$_GET``/``$_POST``."""
    raw = query.encode("utf-8", "surrogateescape") if isinstance(query, str) else query
    result: PhpArray = {}
    count = 0
    for pair in raw.split(b"&"):
        if not pair:
            continue
        count += 1
        if count > MAX_INPUT_VARS:
            break
        name_raw, _, value_raw = pair.partition(b"=")
        _store(result, _split_raw(name_raw), _decode(value_raw))
    return result


def array_merge(first: PhpArray, second: PhpArray) -> PhpArray:
    """PHP ``array_merge``: string keys of ``second`` win, integer keys are appended and renumbered."""
    result: PhpArray = {}
    index = 0
    for source in (first, second):
        for key, value in source.items():
            if is_int_key(key):
                result[str(index)] = value
                index += 1
            else:
                result[key] = value
    return result
