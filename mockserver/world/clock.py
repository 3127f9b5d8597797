"""The server clock: every time-dependent rule reads it, so tests move time instead of sleeping."""

from __future__ import annotations

import time
from collections.abc import Callable
from datetime import UTC, datetime


class Clock:
    """Runs from a start time at real speed, or stands still when frozen; can be set or advanced."""

    def __init__(
        self, start: datetime | None = None, *, frozen: bool = False, source: Callable[[], float] = time.time
    ) -> None:
        self._source = source
        self._frozen = frozen
        self._anchor_real = source()
        self._anchor_virtual = start.timestamp() if start else self._anchor_real

    def now(self) -> float:
        if self._frozen:
            return self._anchor_virtual
        return self._anchor_virtual + (self._source() - self._anchor_real)

    def time(self) -> int:
        """PHP ``time()``: whole seconds."""
        return int(self.now())

    def datetime(self) -> datetime:
        return datetime.fromtimestamp(self.now(), tz=UTC)

    @property
    def frozen(self) -> bool:
        return self._frozen

    def set(self, when: float) -> None:
        self._anchor_real = self._source()
        self._anchor_virtual = when

    def advance(self, seconds: float) -> None:
        self.set(self.now() + seconds)

    def freeze(self, frozen: bool = True) -> None:
        self.set(self.now())
        self._frozen = frozen
