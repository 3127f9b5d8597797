"""Records to and from JSON bytes: flat dataclasses of JSON values (no pickle: Redis data is never code)."""

from __future__ import annotations

import json
from dataclasses import fields
from operator import attrgetter
from typing import Any, TypeVar

T = TypeVar("T")

compact = json.JSONEncoder(separators=(",", ":")).encode
"""``json.dumps(..., separators=(",", ":"))`` without a new encoder per call."""
_dumps = compact

_GETTERS: dict[type, tuple[tuple[str, ...], Any]] = {}
"""Per dataclass: its field names and one getter of all their values (a login encodes a user of
40 fields: ``dataclasses.fields`` on every call cost more than the JSON)."""


def as_dict(record: Any) -> dict[str, Any]:
    """A dataclass's fields (works with ``slots=True``, which has no ``__dict__``)."""
    cls = type(record)
    found = _GETTERS.get(cls)
    if found is None:
        names = tuple(f.name for f in fields(record))
        found = _GETTERS[cls] = (names, attrgetter(*names))
    names, values = found
    if len(names) == 1:
        return {names[0]: values(record)}
    return dict(zip(names, values(record), strict=True))


def dumps(record: Any) -> str:
    """The record's fields as one JSON object (floats keep every digit: ``repr`` round-trips)."""
    return _dumps(as_dict(record))


def loads(cls: type[T], raw: bytes | str) -> T:
    fields: dict[str, Any] = json.loads(raw)
    return cls(**fields)


def loads_opt(cls: type[T], raw: bytes | str | None) -> T | None:
    return None if raw is None else loads(cls, raw)


def text(raw: bytes | str) -> str:
    return raw.decode() if isinstance(raw, bytes) else raw
