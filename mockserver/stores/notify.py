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
from typing import Any

import redis

CONFIRM_TIMEOUT_S = 5.0


class Notifier:
    def __init__(self, client: redis.Redis, channel: str) -> None:
        self._r = client
        self.channel = channel
        self._pid = -1
        self._pubsub: Any = None
        self._poll: select.poll | None = None

    def publish(self, message: str) -> None:
        self._r.publish(self.channel, message)

    def pending(self) -> list[bytes] | None:
        """The messages delivered since the last call; None: just (re)subscribed, catch up."""
        if self._pid != os.getpid() or self._poll is None:
            self._subscribe()
            return None
        if not self._poll.poll(0):
            return []
        found: list[bytes] = []
        try:
            while True:
                message = self._pubsub.get_message(ignore_subscribe_messages=True, timeout=0.0)
                if message is None:
                    return found
                if message["type"] == "message":
                    found.append(message["data"])
        except (redis.ConnectionError, redis.TimeoutError, OSError):
            self._close()
            self._subscribe()
            return None

    def _subscribe(self) -> None:
        """Subscribe on a connection of this process (a forked child never reads its parent's)."""
        if self._pid == os.getpid():
            self._close()
        self._pid = os.getpid()
        self._pubsub = self._r.pubsub()
        self._pubsub.subscribe(self.channel)
        # the confirmation: from here on every published message reaches this socket
        if self._pubsub.get_message(timeout=CONFIRM_TIMEOUT_S) is None:
            raise redis.TimeoutError(f"no confirmation of SUBSCRIBE {self.channel} from Redis")
        self._poll = select.poll()
        self._poll.register(self._pubsub.connection._sock, select.POLLIN)

    def _close(self) -> None:
        if self._pubsub is not None:
            with contextlib.suppress(redis.RedisError, OSError):
                self._pubsub.close()
        self._pubsub = None
        self._poll = None
