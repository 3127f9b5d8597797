"""How a process learns that the site changed without asking Redis on every request.

Every change another process makes is published on the site's channel (``N changes``):

    s                                      tenants, clocks, scenarios or faults changed (SharedSite)
    w <log key> <version> <entity> <json>  a user, enrolment or token changed (WorldLog), with its state

Each process subscribes once (after the fork: a subscription is per process) and, before each
request, reads whatever messages are already in its subscription socket: one ``poll`` system
call, no round trip, when nothing came. Messages of one channel arrive in the order Redis ran
the commands that published them, and a process that published has had a later reply from
Redis before it answers (``Client.pass_fence``), so a request that follows an answer from any
process finds that answer's changes already delivered here.

When the subscription is new (first request, or Redis reconnected after an error) messages may
have been missed: ``pending`` answers None and the caller catches up by reading the state.
"""

from __future__ import annotations

import contextlib
import os
import select
import socket
import weakref
from typing import Any

import hiredis
import redis

from mockserver.stores.wire import ask, line_for

CONFIRM_TIMEOUT_S = 5.0


class Notifier:
    def __init__(self, client: redis.Redis, channel: str) -> None:
        self._r = client
        self.channel = channel
        self._pid = -1
        self._line = line_for(client)
        """Plain connections: the subscription is a socket of our own read with hiredis (a redis-py
        ``PubSub`` costs ~60 µs of Python per message); ``rediss://`` keeps the ``PubSub``."""
        self._sock: socket.socket | None = None
        self._reader: Any = None
        self._buffer = bytearray(65536)
        self._pubsub: Any = None
        self._poll: select.poll | None = None
        self._closer: Any = None

    def publish(self, message: str) -> None:
        self._r.publish(self.channel, message)

    def pending(self) -> list[bytes] | None:
        """The messages delivered since the last call; None: just (re)subscribed, catch up."""
        if self._pid != os.getpid() or self._poll is None:
            self._subscribe()
            return None
        if not self._poll.poll(0):
            return []
        try:
            return self._read() if self._sock is not None else self._read_pubsub()
        except (redis.ConnectionError, redis.TimeoutError, OSError, hiredis.ProtocolError):
            self._close()
            self._subscribe()
            return None

    def _read(self) -> list[bytes]:
        """Everything already in the socket (it never blocks: non-blocking socket)."""
        assert self._sock is not None
        buffer, reader = self._buffer, self._reader
        while True:
            try:
                size = self._sock.recv_into(buffer)
            except BlockingIOError:
                break
            if not size:
                raise OSError("Redis closed the subscription")
            reader.feed(buffer, 0, size)
            if size < len(buffer):
                break  # the socket is drained
        found: list[bytes] = []
        reply = reader.gets()
        while reply is not False:
            if isinstance(reply, list) and len(reply) == 3 and reply[0] == b"message":
                found.append(reply[2])
            reply = reader.gets()
        return found

    def _read_pubsub(self) -> list[bytes]:
        found: list[bytes] = []
        while True:
            message = self._pubsub.get_message(ignore_subscribe_messages=True, timeout=0.0)
            if message is None:
                return found
            if message["type"] == "message":
                found.append(message["data"])

    def _subscribe(self) -> None:
        """Subscribe on a connection of this process (a forked child never reads its parent's)."""
        self._close()  # a child closes only its copy of its parent's socket
        self._pid = os.getpid()
        if self._line is None:
            self._pubsub = self._r.pubsub()
            self._pubsub.subscribe(self.channel)
            # the confirmation: from here on every published message reaches this socket
            if self._pubsub.get_message(timeout=CONFIRM_TIMEOUT_S) is None:
                raise redis.TimeoutError(f"no confirmation of SUBSCRIBE {self.channel} from Redis")
            fileno = self._pubsub.connection._sock.fileno()
        else:
            sock = self._line.open()
            reader = hiredis.Reader(replyError=redis.ResponseError)
            try:
                sock.settimeout(CONFIRM_TIMEOUT_S)
                ask(sock, reader, ["SUBSCRIBE", self.channel])  # the confirmation, as above
                sock.setblocking(False)
            except (OSError, hiredis.ProtocolError) as error:
                sock.close()
                raise redis.TimeoutError(f"no confirmation of SUBSCRIBE {self.channel} from Redis: {error}") from error
            except redis.ResponseError:
                sock.close()
                raise
            self._sock, self._reader = sock, reader
            # closed with its notifier (a dropped app), before the collector could find it unclosed
            self._closer = weakref.finalize(self, sock.close)
            fileno = sock.fileno()
        self._poll = select.poll()
        self._poll.register(fileno, select.POLLIN)

    def _close(self) -> None:
        if self._pubsub is not None:
            with contextlib.suppress(redis.RedisError, OSError):
                self._pubsub.close()
        if self._sock is not None:
            self._closer()
        self._pubsub = None
        self._sock = None
        self._poll = None
