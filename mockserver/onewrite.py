"""One ``write`` per response where uvicorn makes two, and its header checks in two calls, not 2 per header.

uvicorn's httptools cycle writes the head (status line and headers) when the app sends
``http.response.start`` and the body when it sends ``http.response.body``: two system calls and,
with ``TCP_NODELAY``, two TCP segments for every small answer (the client wakes up twice). Here
the head is held by the connection's ``HeldHeadTransport`` and goes out with the first body bytes
in one ``write``. Nothing else changes: the same bytes in the same order on the wire, the same
errors. The head is still written on its own when anything else happens first:

* the app does not send its body in the same step of the event loop (a streamed body, a delay):
  the head leaves at the end of that step (``call_soon``), as early as it left before;
* anything else writes to or closes the connection (an error after the start, a 400 for a
  malformed pipelined request, the read deadline): the held head is written first.

uvicorn checks every header name and value with a regular expression each (8-10 headers per
Moodle answer); here the names are checked once per distinct name (a small bounded cache) and
all values in one search over them joined by a tab (an allowed byte, so one bad byte anywhere is
found); only when something is wrong does uvicorn's own loop run, to raise its exact error.
"""

from __future__ import annotations

import asyncio
from types import FunctionType
from typing import Any

from uvicorn._types import ASGISendEvent
from uvicorn.protocols.http import httptools_impl
from uvicorn.protocols.http.httptools_impl import (
    HEADER_RE,
    HEADER_VALUE_RE,
    STATUS_LINE,
    HttpToolsProtocol,
    RequestResponseCycle,
)
from uvicorn.protocols.utils import get_client_addr, get_path_with_query_string

_NAMES_KEPT = 512  # distinct valid header names remembered (then checked each time, as before)
_GOOD_NAMES: dict[bytes, bytes] = {}  # a valid name as the app sent it -> lowercase
_SPECIAL = frozenset((b"content-length", b"transfer-encoding", b"connection"))


class HeldHeadTransport:
    """The connection's transport, holding at most one response head until the next write or close."""

    __slots__ = ("_head", "_loop", "transport")

    def __init__(self, transport: asyncio.Transport, loop: asyncio.AbstractEventLoop) -> None:
        self.transport = transport
        self._loop = loop
        self._head = b""

    def hold(self, head: bytes) -> None:
        self._head = head
        self._loop.call_soon(self.flush)  # a body not sent in this step: the head goes alone

    def flush(self) -> None:
        if self._head:
            head, self._head = self._head, b""
            if not self.transport.is_closing():  # the client left meanwhile: nothing to tell it
                self.transport.write(head)

    def write(self, data: bytes) -> None:
        if self._head:
            data, self._head = self._head + data, b""
        self.transport.write(data)

    def close(self) -> None:
        self.flush()
        self.transport.close()

    def is_closing(self) -> bool:
        return self.transport.is_closing()

    def __getattr__(self, name: str) -> Any:  # pause_reading, get_extra_info, set_protocol...
        return getattr(self.transport, name)


def _headers_valid(headers: list[tuple[bytes, bytes]]) -> bool:
    for name, _value in headers:
        if type(name) is not bytes:
            return False  # a bytearray (unhashable): the slow path
        if name not in _GOOD_NAMES:
            if HEADER_RE.search(name):
                return False
            if len(_GOOD_NAMES) < _NAMES_KEPT:
                _GOOD_NAMES[name] = name.lower()
    return HEADER_VALUE_RE.search(b"\t".join([value for _name, value in headers])) is None


def _raise_invalid(headers: list[tuple[bytes, bytes]]) -> None:
    """uvicorn's error for the first bad header (a name is checked before its value)."""
    for name, value in headers:
        if HEADER_RE.search(name):
            raise RuntimeError("Invalid HTTP header name.")
        if HEADER_VALUE_RE.search(value):
            raise RuntimeError("Invalid HTTP header value.")


class OneWriteCycle(RequestResponseCycle):
    """uvicorn's request/response cycle over a ``HeldHeadTransport``: the head is held (``_start``)
    and goes out with the body (``_body``); anything unusual is uvicorn's own ``send``."""

    async def send(self, message: ASGISendEvent) -> None:
        kind = message["type"]
        if self.response_started:
            if kind != "http.response.body" or self.response_complete:
                await super().send(message)  # uvicorn's errors
                return
        elif kind != "http.response.start":
            await super().send(message)  # uvicorn's error
            return
        if self.flow.write_paused and not self.disconnected:
            await self.flow.drain()  # pragma: no cover - a client not reading
        if self.disconnected:
            return
        if self.response_started:
            _body(self, message)
        else:
            _start(self, message)


def _start(cycle: RequestResponseCycle, message: Any) -> None:
    """uvicorn's head, held instead of written."""
    cycle.response_started = True
    cycle.waiting_for_100_continue = False
    status_code = message["status"]
    headers = cycle.default_headers + list(message.get("headers", []))
    if cycle.access_log:
        cycle.access_logger.info(
            '%s - "%s %s HTTP/%s" %d',
            get_client_addr(cycle.scope),
            cycle.scope["method"],
            get_path_with_query_string(cycle.scope),
            cycle.scope["http_version"],
            status_code,
        )
    if not _headers_valid(headers):
        _raise_invalid(headers)
        headers = [(bytes(name), value) for name, value in headers]  # valid, but not all bytes
    content = [STATUS_LINE[status_code]]
    has_connection_close = False
    good = _GOOD_NAMES
    for name, value in headers:
        lower = good.get(name) or name.lower()
        if lower in _SPECIAL:
            if lower == b"content-length":
                if cycle.chunked_encoding is None:
                    cycle.expected_content_length = int(value.decode())
                    cycle.chunked_encoding = False
            elif lower == b"transfer-encoding":
                if value.lower() == b"chunked":
                    cycle.expected_content_length = 0
                    cycle.chunked_encoding = True
            elif b"close" in [token.lower().strip() for token in value.split(b",")]:
                cycle.keep_alive = False
                has_connection_close = True
        content += (lower, b": ", value, b"\r\n")
    if not cycle.keep_alive and not has_connection_close:
        content.append(b"connection: close\r\n")
    if cycle.chunked_encoding is None and cycle.scope["method"] != "HEAD" and status_code not in (204, 304):
        cycle.chunked_encoding = True
        content.append(b"transfer-encoding: chunked\r\n")
    content.append(b"\r\n")
    transport: HeldHeadTransport = cycle.transport  # type: ignore[assignment]
    transport.hold(b"".join(content))


def _body(cycle: RequestResponseCycle, message: Any) -> None:
    """uvicorn's body step; the first write takes the held head along."""
    transport: HeldHeadTransport = cycle.transport  # type: ignore[assignment]
    body = message.get("body", b"")
    more_body = message.get("more_body", False)
    if cycle.scope["method"] == "HEAD":
        cycle.expected_content_length = 0
    elif cycle.chunked_encoding:
        content = [b"%x\r\n" % len(body), body, b"\r\n"] if body else []
        if not more_body:
            content.append(b"0\r\n\r\n")
        transport.write(b"".join(content))
    else:
        num_bytes = len(body)
        if num_bytes > cycle.expected_content_length:
            raise RuntimeError("Response content longer than Content-Length")
        cycle.expected_content_length -= num_bytes
        transport.write(body)
    if not more_body:
        if cycle.expected_content_length != 0:
            raise RuntimeError("Response content shorter than Content-Length")
        transport.flush()  # a HEAD answer or an empty body: the head alone
        cycle.response_complete = True
        cycle.message_event.set()
        if not cycle.keep_alive:
            transport.close()
        cycle.on_response()


def _making(cycle_class: type[RequestResponseCycle]) -> Any:
    """uvicorn's own ``on_headers_complete`` (its code object, unchanged) making ``cycle_class``
    cycles: the name ``RequestResponseCycle`` it looks up is ``cycle_class`` in its globals."""
    original = HttpToolsProtocol.on_headers_complete
    names = {**vars(httptools_impl), "RequestResponseCycle": cycle_class}
    return FunctionType(original.__code__, names, original.__name__, original.__defaults__, original.__closure__)


on_headers_complete = _making(OneWriteCycle)
"""For a subclass of ``HttpToolsProtocol`` whose transport is a ``HeldHeadTransport``."""
