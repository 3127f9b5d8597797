"""Records to and from JSON bytes: flat dataclasses of JSON values (no pickle: Redis data is never code)."""

from __future__ import annotations

import json
from dataclasses import fields
from typing import Any, TypeVar

T = TypeVar("T")

_dumps = json.JSONEncoder(separators=(",", ":")).encode


def as_dict(record: Any) -> dict[str, Any]:
    """A dataclass's fields (works with ``slots=True``, which has no ``__dict__``)."""
    return {f.name: getattr(record, f.name) for f in fields(record)}


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
