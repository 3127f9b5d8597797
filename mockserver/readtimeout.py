"""A deadline for reading each request, which uvicorn does not have.

uvicorn times out only idle keep-alive connections *after* a response. A client that connects and
sends nothing, or half a request line, or headers one byte a minute, or fewer body bytes than its
Content-Length, holds its connection (and, once its head is in, a request slot) forever. Web
servers in front of Moodle bound this (nginx ``client_header_timeout``/``client_body_timeout``,
Apache ``RequestReadTimeout``); here the whole request, head and body, must arrive within
``seconds`` of its first byte (or of the connection, for the first one), else the connection is
closed. The time the app then takes to answer is not limited (faults may delay on purpose).
"""

from __future__ import annotations

import asyncio
from typing import Any

from uvicorn.protocols.http.httptools_impl import HttpToolsProtocol

from mockserver import onewrite
from mockserver.onewrite import HeldHeadTransport

REQUEST_READ_S = 30.0


class ReadDeadlineProtocol(HttpToolsProtocol):
    """uvicorn's httptools protocol with a deadline per request read (``read_timeout`` seconds) and
    one write per response (``mockserver.onewrite``)."""

    read_timeout: float = REQUEST_READ_S

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # One timer per connection, not one per request: a request's read starts at ``_since`` (None:
        # no read under way); when the timer fires it closes the connection if that read is late,
        # else waits for what is left of it (a timer made and cancelled per request cost more
        # than all the rest of this class).
        self._since: float | None = None
        self._timer: asyncio.TimerHandle | None = None

    def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
        super().connection_made(HeldHeadTransport(transport, self.loop))  # type: ignore[arg-type]
        self._begin()

    def on_message_begin(self) -> None:
        super().on_message_begin()
        if self._since is None:  # else the first request: its read started with the connection
            self._begin()

    on_headers_complete = onewrite.on_headers_complete

    def on_message_complete(self) -> None:
        self._since = None
        super().on_message_complete()

    def connection_lost(self, exc: Exception | None) -> None:
        self._since = None
        if self._timer is not None:
            self._timer.cancel()
            self._timer = None
        super().connection_lost(exc)

    def _begin(self) -> None:
        self._since = self.loop.time()
        if self._timer is None:
            self._timer = self.loop.call_later(self.read_timeout, self._check)

    def _check(self) -> None:
        self._timer = None
        if self._since is None:
            return  # between requests (the keep-alive timeout is uvicorn's)
        left = self._since + self.read_timeout - self.loop.time()
        if left > 0:
            self._timer = self.loop.call_later(left, self._check)
        elif not self.transport.is_closing():
            self.transport.close()


def read_deadline_protocol(seconds: float) -> type[ReadDeadlineProtocol]:
    """The protocol class with its deadline (a class: uvicorn instantiates it per connection)."""
    if seconds == REQUEST_READ_S:
        return ReadDeadlineProtocol
    return type("ReadDeadlineProtocol", (ReadDeadlineProtocol,), {"read_timeout": seconds})
