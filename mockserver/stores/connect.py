"""One Redis client per process, from a ``redis://``, ``rediss://`` or ``unix://`` URL."""

from __future__ import annotations

from typing import Any

import redis

from mockserver.stores.wire import flush_batch

STORE_SCHEMES = ("redis://", "rediss://", "unix://")


class Client(redis.Redis):
    """``redis.Redis`` that knows whether a published change has surely reached every subscriber.

    Redis writes a command's reply and the messages it published in the same pass over its
    clients, in no set order; any later reply to this process comes after that pass. So once a
    change is published (``fence_pending``), the next command of this process is a fence, and a
    request that published must have had one before it answers (``pass_fence``): then a request
    the answer leads to, on any other process, finds the message in its subscription socket
    (mockserver/stores/notify.py).
    """

    fence_pending = False

    def execute_command(self, *args: Any, **options: Any) -> Any:
        flush_batch()  # the request's deferred writes first (mockserver/stores/wire.py): in order
        result = super().execute_command(*args, **options)  # type: ignore[no-untyped-call]
        self.fence_pending = False
        return result

    def pipeline(self, transaction: bool = True, shard_hint: Any = None) -> Any:
        flush_batch()
        return super().pipeline(transaction, shard_hint)

    def pass_fence(self) -> None:
        """Before an answer: the request's deferred writes are sent, then one round trip if
        nothing has followed the last publish (usually something has)."""
        flush_batch()
        if self.fence_pending:
            self.ping()


def connect(url: str) -> Client:
    """A client for ``url`` (``unix:///run/redis.sock``, ``redis://127.0.0.1:6379/0``).

    Replies stay bytes (the codecs parse them with ``json.loads``); hiredis parses them when
    installed. redis-py notices a fork and opens new connections in the child, so a client made
    before the workers start is safe to use in each of them.
    """
    client = Client.from_url(url, socket_connect_timeout=5, health_check_interval=30)
    assert isinstance(client, Client)
    return client
