"""Fault counters shared by every process: a fault with ``times: 1`` fires once for the whole site.

``FaultBook`` keeps the list of faults (every process follows it, mockserver/stores/site.py); this
subclass keeps each fault's ``matched`` and ``fired`` counts in one Redis hash per book::

    K   hash  "m:<fault id>" -> matches, "f:<fault id>" -> firings

Firing is one Lua script (check the limit and count), so a fault limited to N fires N times
whatever the number of processes. A probability is drawn from the fault's seed and its match
number, so the same seed and the same requests give the same run on any process.
"""

from __future__ import annotations

import random
from typing import Any

import redis

from mockserver.admin.faults import ActiveFault, Decision, FaultBook
from mockserver.admin.matching import RequestFacts, matches
from mockserver.stores.codec import text
from mockserver.stores.wire import script_for

# ARGV: fault id, limit ('' none) -> {matched, fired step (-1: limit reached)}
_MATCH = """
local matched = redis.call('HINCRBY', KEYS[1], 'm:' .. ARGV[1], 1)
local fired = tonumber(redis.call('HGET', KEYS[1], 'f:' .. ARGV[1]) or '0')
if ARGV[2] ~= '' and fired >= tonumber(ARGV[2]) then return {matched, -1} end
return {matched, fired}
"""

# ARGV: fault id, limit ('' none) -> the step this firing is (-1: the limit was reached meanwhile)
_FIRE = """
local fired = tonumber(redis.call('HGET', KEYS[1], 'f:' .. ARGV[1]) or '0')
if ARGV[2] ~= '' and fired >= tonumber(ARGV[2]) then return -1 end
return redis.call('HINCRBY', KEYS[1], 'f:' .. ARGV[1], 1) - 1
"""


class SharedFaultBook(FaultBook):
    def __init__(self, client: redis.Redis, key: str, seed: int = 0) -> None:
        super().__init__(seed=seed)
        self._r = client
        self._key = key
        self._match = script_for(client, _MATCH)  # per matching request: on the fast line (wire.py)
        self._fire = script_for(client, _FIRE)
        self._loaded = False

    def load(self, specs: Any) -> None:
        """Start over from the scenario's faults: the counters of the whole site go back to zero
        (except on a process's first load, which takes over the running site's counts)."""
        if self._loaded:
            self._r.delete(self._key)
        self._loaded = True
        super().load(specs)

    def remove(self, fault_id: str) -> bool:
        self._r.hdel(self._key, f"m:{fault_id}", f"f:{fault_id}")
        return super().remove(fault_id)

    def clear(self) -> int:
        self._r.delete(self._key)
        return super().clear()

    def decide(self, facts: RequestFacts) -> Decision | None:
        for fault in self.faults:
            spec = fault.spec
            if not matches(spec.match, facts):
                continue
            limit = "" if spec.limit is None else str(spec.limit)
            matched, step = self._match(keys=[self._key], args=[fault.id, limit])
            fault.matched = int(matched)
            if step < 0:
                continue
            if spec.probability < 1.0 and _draw(self.seed, fault, int(matched)) >= spec.probability:
                continue
            step = int(self._fire(keys=[self._key], args=[fault.id, limit]))
            if step < 0:
                continue
            fault.fired = step + 1
            return Decision(fault, spec.action_for(step))
        return None

    def refresh(self) -> None:
        """Counts of the whole site into the faults (for the admin views)."""
        counts = {text(k): int(v) for k, v in self._r.hgetall(self._key).items()}
        for fault in self.faults:
            fault.matched = counts.get(f"m:{fault.id}", 0)
            fault.fired = counts.get(f"f:{fault.id}", 0)

    def to_json(self) -> list[dict[str, Any]]:
        self.refresh()
        return super().to_json()


def _draw(seed: int, fault: ActiveFault, match: int) -> float:
    base = fault.spec.seed if fault.spec.seed is not None else f"{seed}:{fault.id}"
    return random.Random(f"{base}:{match}").random()
