"""The hot path's own line to Redis (mockserver/stores/wire.py) against a real redis-server."""

from __future__ import annotations

import contextvars

import pytest
import redis

from mockserver.stores.connect import connect
from mockserver.stores.wire import Line, batch, line_for, script_for


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


def test_deferred_writes_wait_for_the_next_round_trip_and_keep_their_order(redis_url: str) -> None:
    client = connect(redis_url)
    wire = line_for(client)
    assert wire is not None
    other = connect(redis_url)

    def outside(command: str, *args: object) -> object:
        """What another process sees (no batch there)."""
        return contextvars.Context().run(other.execute_command, command, *args)

    with batch(wire):
        wire.defer("RPUSH", "order", "a")
        wire.defer("RPUSH", "order", "b")
        assert outside("LRANGE", "order", 0, -1) == []  # not sent yet
        assert wire.call("RPUSH", "order", "c") == 3  # sent ahead of this command, in order
        assert outside("LRANGE", "order", 0, -1) == [b"a", b"b", b"c"]
        wire.defer("RPUSH", "order", "d")
        assert client.lrange("order", 0, -1) == [b"a", b"b", b"c", b"d"]  # redis-py's commands too
        wire.defer("RPUSH", "order", "e")
        wire.flush()
        assert outside("LLEN", "order") == 5
        wire.defer("RPUSH", "order", "f")
    assert outside("LLEN", "order") == 6  # what is left goes when the block ends


def test_a_write_after_its_batch_closed_is_sent_at_once(redis_url: str) -> None:
    client = connect(redis_url)
    wire = line_for(client)
    assert wire is not None
    with batch(wire):
        context = contextvars.copy_context()  # a task the request left behind keeps its batch
    context.run(wire.defer, "SET", "late", "1")
    assert client.get("late") == b"1"


def test_a_deferred_script_unknown_to_redis_runs_exactly_once(redis_url: str) -> None:
    client = connect(redis_url)
    wire = line_for(client)
    assert wire is not None
    count = script_for(client, "return redis.call('INCR', KEYS[1])")
    assert count(keys=["n"]) == 1
    client.script_flush()
    with batch(wire):
        count.defer(keys=["n"])
        wire.defer("INCR", "m")
    assert (client.get("n"), client.get("m")) == (b"2", b"1")


def test_an_error_reply_of_a_deferred_write_is_raised_at_the_flush(redis_url: str) -> None:
    client = connect(redis_url)
    wire = line_for(client)
    assert wire is not None
    client.set("text", "x")
    with batch(wire):
        wire.defer("INCR", "text")
        wire.defer("SET", "after", "1")
        with pytest.raises(redis.ResponseError, match="not an integer"):
            wire.flush()
        assert wire.call("GET", "after") == b"1"  # the line is in step; the later write ran
