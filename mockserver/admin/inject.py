"""Carry out a fault's action on the ASGI level: delay, replace the answer, spoil it, or hang up.

"Closed without a response" really closes the socket: under uvicorn the ``send`` callable belongs
to the connection's request cycle, whose transport is closed before anything is written. Middleware
may wrap ``send`` (the access log does), so the server's own callable travels in the scope under
``SERVER_SEND`` (set by the outermost app) and is the one looked at. Where
there is no socket (an in-process ASGI client) the request fails with ``ConnectionClosedByFault``
instead, which such clients surface as a transport error.
"""

from __future__ import annotations

import asyncio
from typing import TYPE_CHECKING

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from mockserver.delays import sleep_at_least

if TYPE_CHECKING:  # only named in annotations: serving (via quietlog) imports this module without pydantic
    from mockserver.admin.faultspec import ActionSpec

INVALID_JSON = b'{"exception":"moodle_exception","errorcode":"invalidrecord","message":"Can\'t find data rec'
INVALID_XML = b'<?xml version="1.0" encoding="UTF-8" ?>\n<RESPONSE>\n<SINGLE>\n<KEY name="loginurl"><VALUE>http'
_MALFORMED = {
    "invalid_json": (INVALID_JSON, "application/json; charset=utf-8"),
    "invalid_xml": (INVALID_XML, "application/xml; charset=utf-8"),
    "empty": (b"", "text/plain; charset=utf-8"),
}


SERVER_SEND = "mockserver.server_send"
"""Scope key: the ``send`` the ASGI server handed to the outermost app."""


class ConnectionClosedByFault(ConnectionError):
    """Raised where a fault closes a connection that has no socket (in-process clients)."""


async def close_connection(scope: Scope, send: Send) -> None:
    """Close the client's socket without writing a byte; wait until the server has noticed."""
    cycle = getattr(scope.get(SERVER_SEND, send), "__self__", None)
    transport = getattr(cycle, "transport", None)
    if transport is None or not callable(getattr(transport, "close", None)):
        raise ConnectionClosedByFault("mockserver fault: connection closed without a response")
    transport.close()
    # uvicorn marks the cycle disconnected on the next loop turns; returning earlier would make it
    # try to send a 500 (dropped by the closing transport, but logged as an application error).
    for _ in range(100):
        if getattr(cycle, "disconnected", True):
            return
        await asyncio.sleep(0)


async def respond(send: Send, status: int, body: bytes, content_type: str, headers: dict[str, str]) -> None:
    raw_headers = [(b"content-type", content_type.encode("latin-1")), (b"content-length", str(len(body)).encode())]
    raw_headers += [(k.lower().encode("latin-1"), v.encode("latin-1")) for k, v in headers.items()]
    await send({"type": "http.response.start", "status": status, "headers": raw_headers})
    await send({"type": "http.response.body", "body": body, "more_body": False})


async def truncated(app: ASGIApp, scope: Scope, receive: Receive, send: Send, headers: dict[str, str]) -> None:
    """Let the app answer, then send its first half with a matching Content-Length."""
    start: Message | None = None
    chunks: list[bytes] = []

    async def keep(message: Message) -> None:
        nonlocal start
        if message["type"] == "http.response.start":
            start = message
        elif message["type"] == "http.response.body":
            chunks.append(message.get("body", b""))

    await app(scope, receive, keep)
    assert start is not None, "the app sent no response"
    body = b"".join(chunks)
    cut = body[: len(body) // 2]
    kept = [(k, v) for k, v in start.get("headers", ()) if k.lower() != b"content-length"]
    kept.append((b"content-length", str(len(cut)).encode()))
    kept += [(k.lower().encode("latin-1"), v.encode("latin-1")) for k, v in headers.items()]
    await send({"type": "http.response.start", "status": start["status"], "headers": kept})
    await send({"type": "http.response.body", "body": cut, "more_body": False})


async def perform(
    action: ActionSpec, delay: float, app: ASGIApp, scope: Scope, receive: Receive, send: Send, raw_send: Send
) -> str:
    """Apply ``action``; the outcome is ``fault``, ``closed`` or ``delayed`` (answered by the app)."""
    if delay > 0:
        await sleep_at_least(delay)
    if action.close:
        await close_connection(scope, raw_send)
        return "closed"
    if action.malformed == "truncated":
        await truncated(app, scope, receive, send, action.headers)
        return "fault"
    if action.malformed is not None:
        body, content_type = _MALFORMED[action.malformed]
        await respond(send, action.status or 200, body, action.content_type or content_type, action.headers)
        return "fault"
    if action.status is not None or action.body is not None:
        body = (action.body or "").encode("utf-8")
        content_type = action.content_type or "text/plain; charset=utf-8"
        await respond(send, action.status or 200, body, content_type, action.headers)
        return "fault"
    if action.headers:
        await _with_headers(app, scope, receive, send, action.headers)
        return "fault"
    await app(scope, receive, send)
    return "delayed"


async def _with_headers(app: ASGIApp, scope: Scope, receive: Receive, send: Send, headers: dict[str, str]) -> None:
    extra = [(k.lower().encode("latin-1"), v.encode("latin-1")) for k, v in headers.items()]

    async def add(message: Message) -> None:
        if message["type"] == "http.response.start":
            message = {**message, "headers": [*message.get("headers", ()), *extra]}
        await send(message)

    await app(scope, receive, add)
