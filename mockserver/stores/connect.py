"""One Redis connection pool per process, from a ``redis://``, ``rediss://`` or ``unix://`` URL."""

from __future__ import annotations

import redis

STORE_SCHEMES = ("redis://", "rediss://", "unix://")


def connect(url: str) -> redis.Redis:
    """A client for ``url`` (``unix:///run/redis.sock``, ``redis://127.0.0.1:6379/0``).

    Replies stay bytes (the codecs parse them with ``json.loads``); hiredis parses them when
    installed. redis-py notices a fork and opens new connections in the child, so a client made
    before the workers start is safe to use in each of them.
    """
    return redis.Redis.from_url(url, socket_connect_timeout=5, health_check_interval=30)
