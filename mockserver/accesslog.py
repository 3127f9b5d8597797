"""One console line per request (``mockserver serve`` without ``--quiet``).

The journal keeps the detail; this line is what a developer watches while clicking through a flow:
time, client, method, path with its query (secrets masked as in the journal), status, duration.
"""

from __future__ import annotations

import sys
import time
from collections.abc import Callable
from typing import TextIO
from urllib.parse import unquote_plus

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from mockserver.admin.masking import mask_value

_QUERY_SHOWN = 200  # a long query (a SENCE form, a login URL) is cut: one line per request
# Health probes (Docker's HEALTHCHECK, CI wait loops) every few seconds would drown the traffic.
_PROBES = frozenset({"/__mock/ready", "/__mock/health"})


def mask_query(query: str) -> str:
    """Each ``name=value`` masked by the journal's rules; untouched pairs keep their encoding."""
    pairs = []
    for pair in query.split("&"):
        name, sep, value = pair.partition("=")
        plain = unquote_plus(value)
        masked = mask_value(unquote_plus(name), plain)
        pairs.append(f"{name}{sep}{value if masked == plain else masked}")
    return "&".join(pairs)


def format_line(scope: Scope, status: int, elapsed: float, now: float) -> str:
    client = scope.get("client")
    host = client[0] if client else "-"
    target = scope.get("root_path", "") + scope.get("path", "")
    query = scope.get("query_string", b"").decode("latin-1")
    if query:
        query = mask_query(query)
        target += "?" + (query if len(query) <= _QUERY_SHOWN else query[:_QUERY_SHOWN] + "…")
    stamp = time.strftime("%H:%M:%S", time.localtime(now))
    return f"{stamp} {host} {scope.get('method', '-')} {target} {status} {elapsed * 1000:.1f}ms"


class AccessLog:
    """ASGI middleware writing ``format_line`` for each HTTP request once its response ends."""

    def __init__(self, app: ASGIApp, out: TextIO | None = None, clock: Callable[[], float] = time.time) -> None:
        self.app = app
        self.out = out
        self.clock = clock

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope.get("path") in _PROBES:
            await self.app(scope, receive, send)
            return
        start = time.perf_counter()
        status = 0  # 0: the app failed before answering

        async def logged_send(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
            await send(message)

        try:
            await self.app(scope, receive, logged_send)
        finally:
            line = format_line(scope, status, time.perf_counter() - start, self.clock())
            out = self.out or sys.stdout
            print(line, file=out, flush=True)
