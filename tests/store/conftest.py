"""The backends the store contract runs on: each test gets fresh, empty state from ``backend``."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass

import pytest

from mockserver.sence.store import SenceMemoryStore, SenceStore
from mockserver.world.runtime import MemoryRuntime, RuntimeState


@dataclass
class Backend:
    name: str
    runtime: Callable[[], RuntimeState]
    sence: Callable[[], SenceStore]


def _memory() -> Iterator[Backend]:
    yield Backend("memory", MemoryRuntime, SenceMemoryStore)


BACKENDS: dict[str, Callable[[pytest.FixtureRequest], Iterator[Backend]]] = {"memory": lambda _request: _memory()}


@pytest.fixture(params=sorted(BACKENDS))
def backend(request: pytest.FixtureRequest) -> Iterator[Backend]:
    yield from BACKENDS[request.param](request)
