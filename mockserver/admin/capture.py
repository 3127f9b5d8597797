"""Read a request without consuming it, and watch the response go by.

The body is buffered (up to the server's body limit) so that the journal and the faults can see
the parameters, then replayed to the app unchanged; past the limit the rest streams through and
the parameters are left unparsed. Parameters are decoded the way PHP does (``phpform``) and
flattened back to their PHP names (``user[username]``).
"""

from __future__ import annotations

from collections.abc import Callable

from starlette.datastructures import UploadFile
from starlette.requests import Request
from starlette.types import Message, Receive, Scope, Send

from mockserver import phpform
from mockserver.admin.matching import flatten
from mockserver.phpform import PhpArray

FORM = "application/x-www-form-urlencoded"
MULTIPART = "multipart/form-data"


async def buffer_body(receive: Receive, limit: int) -> tuple[bytes | None, Receive]:
    """The whole body (None when larger than ``limit``) and a ``receive`` that replays it."""
    chunks: list[bytes] = []
    size = 0
    complete = True
    pending: list[Message] = []
    while True:
        message = await receive()
        if message["type"] != "http.request":
            pending.append(message)
            break
        chunk: bytes = message.get("body", b"")
        chunks.append(chunk)
        size += len(chunk)
        if not message.get("more_body", False):
            break
        if size > limit:
            complete = False
            break
    body = b"".join(chunks)
    replayed = False

    async def replay() -> Message:
        nonlocal replayed
        if not replayed:
            replayed = True
            return {"type": "http.request", "body": body, "more_body": not complete}
        if pending:
            return pending.pop(0)
        return await receive()

    return (body if complete and size <= limit else None), replay


def content_type(scope: Scope) -> str:
    for name, value in scope.get("headers", ()):
        if name == b"content-type":
            return str(value.decode("latin-1").split(";")[0].strip().lower())
    return ""


async def multipart_params(scope: Scope, body: bytes) -> dict[str, str]:
    """Text fields of a multipart body by PHP name (files are left out; malformed: none)."""
    sent = False

    async def once() -> Message:
        nonlocal sent
        if sent:
            return {"type": "http.disconnect"}
        sent = True
        return {"type": "http.request", "body": body, "more_body": False}

    request = Request(scope, once)
    try:
        form = await request.form(max_fields=phpform.MAX_INPUT_VARS)
    except Exception:  # malformed multipart: the app will answer it, the journal keeps no params
        return {}
    try:
        pairs = [(k, v) for k, v in form.multi_items() if not isinstance(v, UploadFile)]
        result: PhpArray = {}
        phpform.assign_pairs(result, pairs)
        return flatten(result)
    finally:
        await form.close()


class ResponseRecorder:
    """A ``send`` that passes everything on and remembers status, headers, size and a body excerpt.

    With ``before_end``, the head is held until the body is complete and ``before_end`` runs before
    both go on (the shared journal's entry is stored before the answer leaves); a streamed body
    (``more_body``) lets the head go with its first piece."""

    __slots__ = (
        "_before_end",
        "_head",
        "_send",
        "chunks",
        "content_type",
        "excerpt_size",
        "length",
        "location",
        "status",
    )

    def __init__(self, send: Send, excerpt: int, before_end: Callable[[], None] | None = None) -> None:
        self._send = send
        self._before_end = before_end
        self._head: Message | None = None
        self.excerpt_size = excerpt
        self.status: int | None = None
        self.content_type: str | None = None
        self.location: str | None = None
        self.length = 0
        self.chunks: list[bytes] = []

    async def send(self, message: Message) -> None:
        kind = message["type"]
        if kind == "http.response.body":
            chunk: bytes = message.get("body", b"")
            if chunk:
                self.length += len(chunk)
                if len(self.chunks) < 4:
                    self.chunks.append(chunk)
        elif kind == "http.response.start":
            self.status = message["status"]
            for name, value in message.get("headers", ()):
                lowered = name.lower()
                if lowered == b"content-type":
                    self.content_type = value.decode("latin-1")
                elif lowered == b"location":
                    self.location = value.decode("latin-1")
            if self._before_end is not None:
                self._head = message
                return
        head = self._head
        if head is not None:
            self._head = None
            if not message.get("more_body", False) and self._before_end is not None:
                self._before_end()
            await self._send(head)
        await self._send(message)

    @property
    def excerpt(self) -> bytes:
        return b"".join(self.chunks)[: self.excerpt_size]
