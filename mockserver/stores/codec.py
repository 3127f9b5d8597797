"""Records to and from JSON bytes: flat dataclasses of JSON values (no pickle: Redis data is never code)."""

from __future__ import annotations

import json
from typing import Any, TypeVar

T = TypeVar("T")

_dumps = json.JSONEncoder(separators=(",", ":")).encode


def dumps(record: object) -> str:
    """The record's fields as one JSON object (floats keep every digit: ``repr`` round-trips)."""
    return _dumps(record.__dict__)


def loads(cls: type[T], raw: bytes | str) -> T:
    fields: dict[str, Any] = json.loads(raw)
    return cls(**fields)


def loads_opt(cls: type[T], raw: bytes | str | None) -> T | None:
    return None if raw is None else loads(cls, raw)


def text(raw: bytes | str) -> str:
    return raw.decode() if isinstance(raw, bytes) else raw
