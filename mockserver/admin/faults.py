"""The live fault list of a tenant (or of the whole server): which fault hits a request.

Faults are checked in order; the first that matches and fires wins. Each fault keeps its own
random source, seeded from its ``seed`` or from the server seed and its id, so the same seed and
the same requests give the same run, and adding one fault does not change another's draws.
Reset puts the scenario's faults back with their counters at zero and drops the ones added at
runtime.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from typing import Any, Literal

from mockserver.admin.faultspec import ActionSpec, DelayRange, FaultSpec
from mockserver.admin.matching import RequestFacts, matches

Origin = Literal["scenario", "api"]


@dataclass
class ActiveFault:
    id: str
    spec: FaultSpec
    origin: Origin
    rng: random.Random
    matched: int = 0
    fired: int = 0

    def to_json(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "origin": self.origin,
            "matched": self.matched,
            "fired": self.fired,
            "exhausted": self.spec.limit is not None and self.fired >= self.spec.limit,
            "spec": self.spec.model_dump(mode="json", exclude_defaults=True, exclude={"id"}),
        }


@dataclass(frozen=True)
class Decision:
    """A fault fired: ``action`` None means this step of its sequence lets the request through."""

    fault: ActiveFault
    action: ActionSpec | None

    def delay(self) -> float:
        if self.action is None or self.action.delay is None:
            return 0.0
        delay = self.action.delay
        if isinstance(delay, DelayRange):
            return self.fault.rng.uniform(delay.min, delay.max)
        return float(delay)


@dataclass
class FaultBook:
    seed: int = 0
    faults: list[ActiveFault] = field(default_factory=list)
    _counter: int = 0

    def __bool__(self) -> bool:
        return bool(self.faults)

    def _new_id(self) -> str:
        taken = {f.id for f in self.faults}
        while True:
            self._counter += 1
            candidate = f"fault-{self._counter}"
            if candidate not in taken:
                return candidate

    def add(self, spec: FaultSpec, origin: Origin = "api") -> ActiveFault:
        if spec.id is not None and any(f.id == spec.id for f in self.faults):
            raise ValueError(f"a fault with id {spec.id!r} exists")
        fault_id = spec.id or self._new_id()
        seed: int | str = spec.seed if spec.seed is not None else f"{self.seed}:{fault_id}"
        fault = ActiveFault(fault_id, spec, origin, random.Random(seed))
        self.faults.append(fault)
        return fault

    def load(self, specs: list[FaultSpec]) -> None:
        """Start over from the scenario's faults."""
        self.faults = []
        self._counter = 0
        for spec in specs:
            self.add(spec, "scenario")

    def remove(self, fault_id: str) -> bool:
        before = len(self.faults)
        self.faults = [f for f in self.faults if f.id != fault_id]
        return len(self.faults) != before

    def clear(self) -> int:
        removed = len(self.faults)
        self.faults = []
        return removed

    def decide(self, facts: RequestFacts) -> Decision | None:
        for fault in self.faults:
            spec = fault.spec
            if not matches(spec.match, facts):
                continue
            fault.matched += 1
            if spec.limit is not None and fault.fired >= spec.limit:
                continue
            if spec.probability < 1.0 and fault.rng.random() >= spec.probability:
                continue
            action = spec.action_for(fault.fired)
            fault.fired += 1
            return Decision(fault, action)
        return None

    def to_json(self) -> list[dict[str, Any]]:
        return [f.to_json() for f in self.faults]
