"""Moodle REST bodies: JSON as ``json_encode`` writes it, XML as ``webservice_rest_server`` does."""

from __future__ import annotations

import re
from typing import Any

from starlette.responses import Response

from mockserver import phpjson
from mockserver.moodle.errors import DebugSettings, MoodleException, php_class_name
from mockserver.moodle.phpvalues import to_string
from mockserver.moodle.webservice.description import Description, Multiple, Single, Value

_SURROGATE = re.compile("[\ud800-\udfff]")
XML_HEAD = '<?xml version="1.0" encoding="UTF-8" ?>\n'

COMMON_HEADERS = {
    "Cache-Control": "private, must-revalidate, pre-check=0, post-check=0, max-age=0",
    "Expires": "Thu, 01 Jan 1970 00:00:00 GMT",
    "Pragma": "no-cache",
    "Accept-Ranges": "none",
    "Access-Control-Allow-Origin": "*",
}
JSON_HEADERS = {"Content-Type": "application/json", **COMMON_HEADERS}
XML_HEADERS = {
    "Content-Type": "application/xml; charset=utf-8",
    "Content-Disposition": 'inline; filename="response.xml"',
    **COMMON_HEADERS,
}


class RestResponse(Response):
    """A REST reply whose fixed headers are encoded once, not on every request."""

    def __init__(self, body: bytes, fmt: str) -> None:
        self.status_code = 200
        self.background = None
        self.body = body
        self.raw_headers = [*_RAW_HEADERS[fmt], (b"content-length", str(len(body)).encode("latin-1"))]


def _raw(headers: dict[str, str]) -> list[tuple[bytes, bytes]]:
    return [(name.lower().encode("latin-1"), value.encode("latin-1")) for name, value in headers.items()]


_RAW_HEADERS = {"json": _raw(JSON_HEADERS), "xml": _raw(XML_HEADERS)}


def htmlspecialchars(text: str) -> str:
    """PHP ``htmlspecialchars($s, ENT_COMPAT, 'UTF-8')``: & < > and double quotes; single quotes kept.

    Invalid UTF-8 (undecodable request bytes) makes PHP return an empty string.
    """
    if not text.isascii() and _SURROGATE.search(text):
        return ""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace('"', "&quot;")


def _xml_scalar(value: Any) -> str:
    if value is None:
        return '<VALUE null="null"/>\n'
    if isinstance(value, bool):
        value = int(value)
    return f"<VALUE>{htmlspecialchars(to_string(value))}</VALUE>\n"


def xmlize(value: Any, description: Description | None) -> str:
    if description is None:
        return ""
    if isinstance(description, Value):
        return _xml_scalar(value)
    if isinstance(description, Multiple):
        items = "".join(xmlize(item, description.content) for item in (value or []))
        return f"<MULTIPLE>\n{items}</MULTIPLE>\n"
    assert isinstance(description, Single)
    data = value if isinstance(value, dict) else {}
    keys = "".join(f'<KEY name="{k}">{xmlize(data.get(k), sub)}</KEY>\n' for k, sub in description.keys.items())
    return f"<SINGLE>\n{keys}</SINGLE>\n"


def success_body(value: Any, description: Description | None, fmt: str) -> str:
    if fmt == "json":
        return phpjson.json_encode(value) or ""
    return f"{XML_HEAD}<RESPONSE>\n{xmlize(value, description)}</RESPONSE>\n"


def error_body(
    error: MoodleException, fmt: str, lang: str, debug: DebugSettings, version: str, *, show_debug: bool | None = None
) -> str:
    """``generate_error()``; ``show_debug`` overrides ``debugging()`` (e.g. for ``$CFG->debugusers``)."""
    cls = php_class_name(error.kind, version)
    message = error.message(lang, debug)
    if show_debug is None:
        show_debug = debug.shows_debuginfo
    show_debug = show_debug and error.debuginfo is not None
    if fmt == "json":
        body: dict[str, Any] = {"exception": cls, "errorcode": error.errorcode, "message": message}
        if show_debug:
            body["debuginfo"] = error.debuginfo
        # json_encode() fails on invalid UTF-8 and `echo false` prints nothing.
        return phpjson.json_encode(body) or ""
    parts = [
        XML_HEAD,
        f'<EXCEPTION class="{cls}">\n',
        f"<ERRORCODE>{htmlspecialchars(error.errorcode)}</ERRORCODE>\n",
        f"<MESSAGE>{htmlspecialchars(message)}</MESSAGE>\n",
    ]
    if show_debug:
        parts.append(f"<DEBUGINFO>{htmlspecialchars(str(error.debuginfo))}</DEBUGINFO>\n")
    parts.append("</EXCEPTION>\n")
    return "".join(parts)
