"""Reading a browser form post for SENCE's endpoints, with the limits of a careful server."""

from __future__ import annotations

import codecs
from collections.abc import AsyncGenerator

from starlette.datastructures import Headers
from starlette.formparsers import MultiPartException, MultiPartParser
from starlette.requests import Request

from mockserver.bodies import read_capped
from mockserver.sence.protocol import decode_urlencoded

MAX_BODY = 64 * 1024
MAX_FIELDS = 1000


class NotAForm(Exception):
    """The request is not a form post at all: a 400 (or 413 when too large) in plain text."""

    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.message = message


def _media_type(headers: Headers) -> tuple[str, dict[str, str]]:
    raw = headers.get("content-type", "")
    media, *params = raw.split(";")
    options = {}
    for param in params:
        key, _, value = param.partition("=")
        options[key.strip().lower()] = value.strip().strip('"')
    return media.strip().lower(), options


def _charset(name: str | None) -> str:
    if not name:
        return "utf-8"
    try:
        return codecs.lookup(name).name
    except LookupError:
        return "utf-8"


async def _body(request: Request) -> bytes:
    body = await read_capped(request, MAX_BODY)
    if body is None:
        raise NotAForm(413, f"El cuerpo del POST supera el máximo de {MAX_BODY} bytes.")
    return body


async def read_pairs(request: Request) -> list[tuple[str, str]]:
    """The (name, value) pairs of an urlencoded or multipart form, in order; files are ignored."""
    media, options = _media_type(request.headers)
    if media not in ("application/x-www-form-urlencoded", "multipart/form-data"):
        shown = media or "ninguno"
        raise NotAForm(
            400,
            "SENCE espera un formulario HTML enviado por POST (Content-Type application/x-www-form-urlencoded "
            f"o multipart/form-data); se recibió Content-Type: {shown}.",
        )
    body = await _body(request)
    if media == "application/x-www-form-urlencoded":
        pairs = decode_urlencoded(body, _charset(options.get("charset")))
        return pairs[:MAX_FIELDS]

    async def stream() -> AsyncGenerator[bytes, None]:
        yield body

    parser = MultiPartParser(request.headers, stream(), max_files=MAX_FIELDS, max_fields=MAX_FIELDS)
    try:
        form = await parser.parse()
    except (MultiPartException, UnicodeDecodeError, ValueError, KeyError) as exc:
        raise NotAForm(400, f"El cuerpo multipart/form-data no se pudo leer: {exc}") from None
    try:
        return [(name, value) for name, value in form.multi_items() if isinstance(value, str)]
    finally:
        await form.close()
