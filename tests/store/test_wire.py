"""The hot path's own line to Redis (mockserver/stores/wire.py) against a real redis-server."""

from __future__ import annotations

import pytest
import redis

from mockserver.stores.connect import connect
from mockserver.stores.wire import Line, line_for, script_for


def line(url: str) -> Line:
    found = line_for(connect(url))
    assert found is not None
    return found


def test_commands_and_replies(redis_url: str) -> None:
    wire = line(redis_url)
    assert wire.call("HGET", "h", "f") is None
    assert wire.call("HSET", "h", "f", "välue") == 1
    assert wire.call("HGET", "h", "f") == "välue".encode()
    assert wire.call("HINCRBY", "h", "n", 5) == 5
    with pytest.raises(redis.ResponseError, match="unknown command"):
        wire.call("NOSUCHCOMMAND")
    assert wire.call("PING") == b"PONG"  # the line is still in step after an error reply


def test_a_script_unknown_to_redis_runs_exactly_once(redis_url: str) -> None:
    client = connect(redis_url)
    count = script_for(client, "return redis.call('INCR', KEYS[1])")
    assert count(keys=["n"]) == 1
    client.script_flush()  # Redis forgets it: NOSCRIPT, then the script itself is sent
    assert count(keys=["n"]) == 2
    assert count(keys=["n"]) == 3


def test_the_database_of_the_url(redis_url: str) -> None:
    other = line(redis_url + "?db=3")
    other.call("SET", "where", "three")
    assert connect(redis_url).get("where") is None
    assert connect(redis_url + "?db=3").get("where") == b"three"


def test_a_lost_connection_fails_the_call_and_the_next_one_connects_again(redis_url: str) -> None:
    client = connect(redis_url)
    wire = line_for(client)
    assert wire is not None
    wire.call("SET", "k", "v")
    client.client_kill_filter(_type="normal", skipme=True)  # the line's connection (and no other of ours)
    with pytest.raises(redis.ConnectionError):
        wire.call("GET", "k")
    assert wire.call("GET", "k") == b"v"


def test_every_reply_passes_the_fence(redis_url: str) -> None:
    client = connect(redis_url)
    wire = line_for(client)
    assert wire is not None
    client.fence_pending = True
    wire.call("PING")
    assert not client.fence_pending
