"""Login keys read during one request, so one request asks Redis once per key.

The journal names a request's user from its ``key`` parameter before login.php reads the same
key to check it: without this, two round trips for one value. The cache lives as long as the
request (a context variable set per request, mockserver/app.py) and any write to the keys by
this process empties it. A key another process takes meanwhile is still decided by the atomic
``consume_user_key``, so a stale read never logs in twice.
"""

from __future__ import annotations

from contextvars import ContextVar

KEY_READS: ContextVar[dict[str, bytes | str | None] | None] = ContextVar("mockserver_key_reads", default=None)
