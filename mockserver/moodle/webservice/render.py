"""Moodle REST bodies: JSON as ``json_encode`` writes it, XML as ``webservice_rest_server`` does."""

from __future__ import annotations

from typing import Any

from mockserver import phpjson
from mockserver.moodle.errors import DebugSettings, MoodleException, php_class_name
from mockserver.moodle.webservice.description import Description, Multiple, Single, Value

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


def htmlspecialchars(text: str) -> str:
    """PHP ``htmlspecialchars($s, ENT_COMPAT)``: & < > and double quotes; single quotes kept."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace('"', "&quot;")


def _xml_scalar(value: Any) -> str:
    if value is None:
        return '<VALUE null="null"/>\n'
    if isinstance(value, bool):
        value = int(value)
    if isinstance(value, float):
        value = f"{value:.14G}" if value != int(value) else str(int(value))
    return f"<VALUE>{htmlspecialchars(str(value))}</VALUE>\n"


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
        return phpjson.encode(value)
    return f"{XML_HEAD}<RESPONSE>\n{xmlize(value, description)}</RESPONSE>\n"


def error_body(error: MoodleException, fmt: str, lang: str, debug: DebugSettings, version: str) -> str:
    cls = php_class_name(error.kind, version)
    message = error.message(lang, debug)
    show_debug = debug.shows_debuginfo and error.debuginfo is not None
    if fmt == "json":
        body: dict[str, Any] = {"exception": cls, "errorcode": error.errorcode, "message": message}
        if show_debug:
            body["debuginfo"] = error.debuginfo
        return phpjson.encode(body)
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
