"""The backends the store contract runs on: each test gets fresh, empty state from ``backend``.

Redis is a real ``redis-server`` this session starts (unix socket in a temporary folder); each
test gets its own key prefix on it, so tests never see each other's state.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

import pytest
import redis

from mockserver.sence.store import SenceMemoryStore, SenceStore
from mockserver.stores.connect import connect
from mockserver.stores.runtime import RedisRuntime
from mockserver.stores.sence import RedisSenceStore
from mockserver.stores.server import RedisServer
from mockserver.world.runtime import MemoryRuntime, RuntimeState


@dataclass
class Backend:
    name: str
    runtime: Callable[..., RuntimeState]
    """A fresh, empty runtime state; keywords: ``now`` (the tenant clock), ``limits``, ``sessiontimeout``."""
    sence: Callable[..., SenceStore]
    """A fresh SENCE store; keywords: ``now``, ``limits``, ``pending_login_lifetime``."""


@pytest.fixture(scope="session")
def redis_server() -> Iterator[RedisServer]:
    with RedisServer() as server:
        yield server


@pytest.fixture
def redis_client(redis_server: RedisServer) -> Iterator[redis.Redis]:
    client = connect(redis_server.url)
    yield client
    client.close()


@pytest.fixture(params=["memory", "redis"])
def backend(request: pytest.FixtureRequest) -> Iterator[Backend]:
    if request.param == "memory":
        yield Backend("memory", MemoryRuntime, SenceMemoryStore)
        return
    client: redis.Redis = request.getfixturevalue("redis_client")

    def prefix() -> str:
        return f"test:{uuid.uuid4().hex}:"

    def runtime(**options: Any) -> RuntimeState:
        return RedisRuntime(client, prefix(), **options)

    def sence(**options: Any) -> SenceStore:
        return RedisSenceStore(client, prefix(), **options)

    yield Backend("redis", runtime, sence)


@pytest.fixture
def redis_url(redis_server: RedisServer, redis_client: redis.Redis) -> str:
    """The session's redis-server, emptied for this test (one server per xdist worker)."""
    redis_client.flushall()
    return redis_server.url
