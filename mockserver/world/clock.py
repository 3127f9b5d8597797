"""The server clock: every time-dependent rule reads it, so tests move time instead of sleeping."""

from __future__ import annotations

import math
import time
from collections.abc import Callable
from datetime import UTC, datetime

EARLIEST = 0.0
"""1970-01-01: PHP's time() and Moodle's timestamps are never negative."""
LATEST = datetime(9000, 1, 1, tzinfo=UTC).timestamp()
"""Far enough for any test, and leaves a thousand years of room for durations added to the clock
(key lifetimes, SENCE dates) before dates stop being representable."""


class ClockRangeError(ValueError):
    """A time outside ``EARLIEST``..``LATEST``; the clock is left as it was."""

    def __init__(self, when: float) -> None:
        super().__init__(
            f"time must be between {EARLIEST:.0f} (1970-01-01) and {LATEST:.0f} (9000-01-01) "
            f"in Unix seconds, got {when!r}"
        )


def check_time(when: float) -> float:
    if not (math.isfinite(when) and EARLIEST <= when <= LATEST):
        raise ClockRangeError(when)
    return when


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
        """Move to ``when``; ``ClockRangeError`` (clock unchanged) outside the supported range."""
        check_time(when)
        self._anchor_real = self._source()
        self._anchor_virtual = when

    def advance(self, seconds: float) -> None:
        self.set(self.now() + seconds)

    def state(self) -> tuple[float, float, bool]:
        """(virtual anchor, real anchor, frozen): all it takes to rebuild this clock in another process."""
        return (self._anchor_virtual, self._anchor_real, self._frozen)

    def restore(self, state: tuple[float, float, bool]) -> None:
        """Take over another process's clock (processes share the real time source)."""
        self._anchor_virtual, self._anchor_real, self._frozen = float(state[0]), float(state[1]), bool(state[2])

    def freeze(self, frozen: bool = True) -> None:
        self.set(self.now())
        self._frozen = frozen
