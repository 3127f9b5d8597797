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

REQUEST_READ_S = 30.0


class ReadDeadlineProtocol(HttpToolsProtocol):
    """uvicorn's httptools protocol with a deadline per request read (``read_timeout`` seconds)."""

    read_timeout: float = REQUEST_READ_S

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._deadline: asyncio.TimerHandle | None = None

    def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
        super().connection_made(transport)
        self._arm()

    def on_message_begin(self) -> None:
        super().on_message_begin()
        self._arm()

    def on_message_complete(self) -> None:
        self._disarm()
        super().on_message_complete()

    def connection_lost(self, exc: Exception | None) -> None:
        self._disarm()
        super().connection_lost(exc)

    def _arm(self) -> None:
        if self._deadline is None:
            self._deadline = self.loop.call_later(self.read_timeout, self._too_slow)

    def _disarm(self) -> None:
        if self._deadline is not None:
            self._deadline.cancel()
            self._deadline = None

    def _too_slow(self) -> None:
        self._deadline = None
        if not self.transport.is_closing():
            self.transport.close()


def read_deadline_protocol(seconds: float) -> type[ReadDeadlineProtocol]:
    """The protocol class with its deadline (a class: uvicorn instantiates it per connection)."""
    if seconds == REQUEST_READ_S:
        return ReadDeadlineProtocol
    return type("ReadDeadlineProtocol", (ReadDeadlineProtocol,), {"read_timeout": seconds})
