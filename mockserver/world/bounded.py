"""The one bounded table every runtime table that grows with traffic is built on.

Each item carries a deadline on the tenant clock (``None``: no deadline) and the table holds at
most ``cap`` items. Reads never return an item past its deadline; writing beyond the cap lets the
oldest item go (oldest = least recently written, so a table whose writers re-put items on use is
LRU). Expired items are also swept out in bulk, amortised over writes, so memory follows the live
items rather than the traffic.

A shared backend mirrors the same three rules per table: store the deadline with the item and
compare it with the tenant clock on every read (never a wall-clock TTL: tests move the tenant
clock), keep the items in write order (e.g. a sorted set by a write counter) and trim the oldest
past the cap, and drop expired items in passing.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable, Iterator
from typing import Generic, TypeVar

K = TypeVar("K", bound=Hashable)
V = TypeVar("V")

SWEEP_EVERY_MIN = 64
"""A full sweep runs after at least this many writes, and at least half as many writes as items held
(so a sweep costs at most two item checks per write)."""


class BoundedMap(Generic[K, V]):
    """Items with deadlines, at most ``cap`` of them, oldest first out."""

    def __init__(
        self,
        cap: int,
        now: Callable[[], float],
        on_drop: Callable[[K, V], None] | None = None,
    ) -> None:
        self.cap = max(cap, 1)
        self._now = now
        self._on_drop = on_drop
        # Insertion order of a dict is the write order: the first item is the oldest.
        self._items: dict[K, tuple[V, float | None]] = {}
        self._writes_since_sweep = 0
        self.expired = 0
        """Items let go because their deadline passed."""
        self.evicted = 0
        """Items let go because the table was full."""

    def get(self, key: K) -> V | None:
        """The live item, or None; an item found past its deadline is dropped on the way."""
        found = self._items.get(key)
        if found is None:
            return None
        value, deadline = found
        if deadline is not None and deadline < self._now():
            self._drop(key)
            self.expired += 1
            return None
        return value

    def deadline(self, key: K) -> float | None:
        found = self._items.get(key)
        return found[1] if found is not None else None

    def put(self, key: K, value: V, deadline: float | None) -> None:
        """Store ``value`` as the newest item; the oldest ones go past the cap."""
        self._items.pop(key, None)
        self._items[key] = (value, deadline)
        self._writes_since_sweep += 1
        if self._writes_since_sweep >= max(SWEEP_EVERY_MIN, len(self._items) // 2):
            self.sweep()
        while len(self._items) > self.cap:
            self._drop(next(iter(self._items)))
            self.evicted += 1

    def pop(self, key: K) -> V | None:
        """Remove the item (live or not) and return it if it was live."""
        found = self._items.pop(key, None)
        if found is None:
            return None
        value, deadline = found
        return None if deadline is not None and deadline < self._now() else value

    def sweep(self) -> int:
        """Drop every item past its deadline; how many went."""
        self._writes_since_sweep = 0
        now = self._now()
        gone = [key for key, (_, deadline) in self._items.items() if deadline is not None and deadline < now]
        for key in gone:
            self._drop(key)
        self.expired += len(gone)
        return len(gone)

    def values(self) -> list[V]:
        """Live items, oldest first."""
        now = self._now()
        return [value for value, deadline in self._items.values() if deadline is None or deadline >= now]

    def __iter__(self) -> Iterator[K]:
        return iter(list(self._items))

    def __len__(self) -> int:
        """Items held, expired ones not yet swept included (what memory follows)."""
        return len(self._items)

    def clear(self) -> None:
        self._items.clear()

    def stats(self) -> dict[str, int]:
        return {"held": len(self._items), "cap": self.cap, "expired": self.expired, "evicted": self.evicted}

    def _drop(self, key: K) -> None:
        value, _ = self._items.pop(key)
        if self._on_drop is not None:
            self._on_drop(key, value)


def no_clock() -> float:
    """The clock of a table that sets no deadlines (a store built without the tenant clock)."""
    return 0.0
