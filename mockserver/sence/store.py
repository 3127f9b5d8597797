"""SENCE state: started/closed sessions and the attendance register."""

from __future__ import annotations

from typing import Protocol


class SenceStore(Protocol):
    pass


class SenceMemoryStore:
    pass
