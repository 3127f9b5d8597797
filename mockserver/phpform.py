"""PHP's decoding of query strings and form bodies into nested arrays (``parse_str``).

``user[username]=x`` becomes ``{"user": {"username": "x"}}``; ``values[]=a&values[]=b`` appends;
a repeated scalar key keeps the last value; dots and spaces in top-level names become ``_``;
variables beyond ``max_input_vars`` are silently dropped. Values are decoded as UTF-8 with
``surrogateescape`` so that invalid bytes survive to the PARAM cleaning layer, which rejects them
as Moodle does.
"""

from __future__ import annotations

import re
from typing import Union
from urllib.parse import unquote_to_bytes

PhpValue = Union[str, "PhpArray"]
PhpArray = dict[str, PhpValue]

MAX_INPUT_VARS = 1000
_MAX_NESTING = 64


def _decode(raw: bytes) -> str:
    return unquote_to_bytes(raw.replace(b"+", b" ")).decode("utf-8", "surrogateescape")


def _split_name(name: str) -> tuple[str, list[str]] | None:
    """Split ``a[b][]`` into ``("a", ["b", ""])`` following PHP's rules."""
    bracket = name.find("[")
    if bracket <= 0:
        base = name
        rest = ""
    else:
        base = name[:bracket]
        rest = name[bracket:]
    base = base.lstrip(" ")
    if not base:
        return None
    subkeys: list[str] = []
    pos = 0
    while rest.startswith("[", pos):
        close = rest.find("]", pos)
        if close == -1:
            # PHP turns an unmatched '[' in the base name into '_' and keeps the rest literally.
            if not subkeys:
                base = base + "_" + rest[pos + 1 :]
            break
        subkeys.append(rest[pos + 1 : close])
        pos = close + 1
        if len(subkeys) >= _MAX_NESTING:
            break
    else:
        if pos < len(rest) and not subkeys:
            base += rest
    base = re.sub(r"[. ]", "_", base)
    if not subkeys and "[" in base:
        base = base.replace("[", "_", 1)
    return base, subkeys


def _next_index(array: PhpArray) -> str:
    numeric = [int(k) for k in array if re.fullmatch(r"-?\d+", k)]
    return str(max(numeric) + 1) if numeric else "0"


def _assign(target: PhpArray, base: str, subkeys: list[str], value: str) -> None:
    keys = [base, *subkeys]
    node = target
    for depth, key in enumerate(keys):
        last = depth == len(keys) - 1
        if key == "" and depth > 0:
            key = _next_index(node)
        if last:
            node[key] = value
            return
        child = node.get(key)
        if not isinstance(child, dict):
            child = {}
            node[key] = child
        node = child


def assign_pairs(target: PhpArray, pairs: list[tuple[str, str]]) -> None:
    """Store already-decoded (name, value) pairs, as PHP does for multipart fields."""
    for name, value in pairs[:MAX_INPUT_VARS]:
        split = _split_name(name)
        if split is not None:
            _assign(target, split[0], split[1], value)


def parse(query: bytes | str) -> PhpArray:
    """Decode a query string or urlencoded body the way PHP fills ``$_GET``/``$_POST``."""
    raw = query.encode("utf-8", "surrogateescape") if isinstance(query, str) else query
    result: PhpArray = {}
    count = 0
    for pair in raw.split(b"&"):
        if not pair:
            continue
        if count >= MAX_INPUT_VARS:
            break
        name_raw, _, value_raw = pair.partition(b"=")
        split = _split_name(_decode(name_raw))
        if split is None:
            continue
        count += 1
        _assign(result, split[0], split[1], _decode(value_raw))
    return result
