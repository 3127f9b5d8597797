"""Read ``$_GET`` and ``$_POST`` from a Starlette request the way PHP fills them."""

from __future__ import annotations

import re
from typing import Any

from starlette.requests import Request

from mockserver import phpform
from mockserver.bodies import read_capped

BODY_KEY = "mockserver.body"
"""Scope key of a request body already read whole (the journal's middleware buffers it first)."""


async def read_body(request: Request, limit: int) -> bytes | None:
    """The body, or None when it is larger than ``limit`` (PHP then discards POST data)."""
    buffered: bytes | None = request.scope.get(BODY_KEY)
    if buffered is not None:
        return buffered if len(buffered) <= limit else None
    return await read_capped(request, limit)


_MEDIA_END = re.compile(r"[;, ]")


def header(request: Request, name: bytes) -> str | None:
    """``request.headers.get(name)`` (the first one, latin-1; names compared as Starlette does, the
    server gives them lower-cased) for a lower-case ``name``, without building the headers object."""
    for key, value in request.scope["headers"]:
        if key == name:
            return str(value.decode("latin-1"))
    return None


def _media_type(request: Request) -> str:
    """The content type as SAPI matches it: lower-cased, up to the first ``;``, ``,`` or space."""
    raw = (header(request, b"content-type") or "").lstrip(" ")
    return _MEDIA_END.split(raw, maxsplit=1)[0].lower()


async def post_params(request: Request, limit: int) -> dict[str, Any]:
    """``$_POST``: only for POST requests with a form content type; an oversized body gives nothing."""
    if request.method != "POST":
        return {}
    content_type = _media_type(request)
    if content_type == "multipart/form-data":
        length = request.headers.get("content-length", "")
        if length.isdigit() and int(length) > limit:
            return {}
        try:
            form = await request.form(
                max_files=phpform.MAX_INPUT_VARS, max_fields=phpform.MAX_INPUT_VARS, max_part_size=limit
            )
        except Exception:  # malformed multipart: PHP ends with empty $_POST
            return {}
        try:
            result: dict[str, Any] = {}
            phpform.assign_pairs(result, [(k, v) for k, v in form.multi_items() if isinstance(v, str)])
            return result
        finally:
            await form.close()
    body = await read_body(request, limit)
    if body is None or content_type != "application/x-www-form-urlencoded":
        return {}
    return phpform.parse(body)


async def merged_params(request: Request, limit: int) -> tuple[dict[str, Any], dict[str, Any]]:
    get = phpform.parse(request.scope.get("query_string", b""))
    post = await post_params(request, limit)
    return get, post
