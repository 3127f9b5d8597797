"""Expectations of the provisioning-function tests (moodle-webservice.md §4).

Success bodies are Python values written out by hand in the reference's key order; JSON is
:func:`tests.moodle.util.php_json` of them and XML is :func:`xml_body` with a *shape* (the
reference's key lists), following webservice/rest/locallib.php's ``xmlize_result`` independently
of the server's own encoder: every described key is rendered, absent ones as ``null`` (a scalar),
an empty ``<MULTIPLE>`` (a list) or a ``<SINGLE>`` of nulls (a structure).
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path
from typing import Any, Union

import httpx

from tests.harness import Harness
from tests.moodle import util as u

PROVISIONING = Path(__file__).resolve().parents[1] / "data" / "provisioning.yaml"
INTEGRATION = "0f1e2d3c4b5a69788796a5b4c3d2e1f0"  # admin, service "integration"
CALLER = "0000000000000000000000000000d010"  # caller (id 10): webservice/rest:use only
NOW = 1767225600
PARAM_EN = "Invalid parameter value detected"
PARAM_ES = "Detectado valor de parámetro no válido"
LANGS = {"en": PARAM_EN, "es": PARAM_ES}
FORMATS = ("json", "xml")

Shape = Union[None, dict[str, "Shape"], list["Shape"]]  # noqa: UP007 - a runtime alias of forward references
"""None: a scalar; dict: a structure's keys in description order; [shape]: a list of shape."""


def php_float(value: float) -> str:
    """PHP ``(string)$float`` with ``precision=14`` (XML): ``50``, ``33.333333333333``."""
    return f"{value:.14G}"


def _scalar(value: Any) -> str:
    if value is None:
        return '<VALUE null="null"/>\n'
    if isinstance(value, bool):
        value = int(value)
    if isinstance(value, float):
        return f"<VALUE>{php_float(value)}</VALUE>\n"
    return f"<VALUE>{u.esc(str(value))}</VALUE>\n"


def xml_payload(value: Any, shape: Shape) -> str:
    if shape is None:
        return _scalar(value)
    if isinstance(shape, list):
        items = "".join(xml_payload(item, shape[0]) for item in (value or []))
        return f"<MULTIPLE>\n{items}</MULTIPLE>\n"
    value = value or {}
    keys = "".join(f'<KEY name="{k}">{xml_payload(value.get(k), s)}</KEY>\n' for k, s in shape.items())
    return f"<SINGLE>\n{keys}</SINGLE>\n"


def xml_body(value: Any, shape: Shape) -> str:
    return u.xml_response(xml_payload(value, shape))


def keys(*names: str) -> dict[str, Shape]:
    return dict.fromkeys(names)


# ---- shapes of the reference (4.1) ------------------------------------------------------------------

USER: dict[str, Shape] = {
    **keys(
        "id", "username", "firstname", "lastname", "fullname", "email", "address", "phone1", "phone2",
        "department", "institution", "idnumber", "interests", "firstaccess", "lastaccess", "auth",
        "suspended", "confirmed", "lang", "calendartype", "theme", "timezone", "mailformat", "description",
        "descriptionformat", "city", "country", "profileimageurlsmall", "profileimageurl",
    ),
    "customfields": [keys("type", "value", "name", "shortname")],
    "preferences": [keys("name", "value")],
}  # fmt: skip
WARNINGS: Shape = [keys("item", "itemid", "warningcode", "message")]


def call(h: Harness, function: str, fmt: str = "json", /, token: str = INTEGRATION, **params: Any) -> httpx.Response:
    return h.rest(function, token=token, fmt=fmt, **params)


def assert_success(
    h: Harness, function: str, expected: Any, shape: Shape, /, token: str = INTEGRATION, **params: Any
) -> None:
    """The same call in JSON and XML gives exactly ``expected``."""
    u.assert_rest(call(h, function, "json", token, **params), u.php_json(expected), "json")
    u.assert_rest(call(h, function, "xml", token, **params), xml_body(expected, shape), "xml")


def assert_error(
    h: Harness,
    function: str,
    exception: str,
    errorcode: str,
    message: str | dict[str, str],
    debuginfo: str | dict[str, str] | None = None,
    /,
    token: str = INTEGRATION,
    **params: Any,
) -> None:
    """The error in json and xml, with ``moodlewssettinglang`` en and es (``message`` per language
    when it is translated); debuginfo is English in both (the world runs at debug NORMAL)."""
    for lang in ("en", "es"):
        text = message[lang] if isinstance(message, dict) else message
        debug = debuginfo[lang] if isinstance(debuginfo, dict) else debuginfo
        for fmt in FORMATS:
            response = call(h, function, fmt, token, moodlewssettinglang=lang, **params)
            u.assert_rest(response, u.error_body(fmt, exception, errorcode, text, debug), fmt)


def assert_invalid_param(
    h: Harness, function: str, path: list[str], inner: str, token: str = INTEGRATION, **params: Any
) -> None:
    """``invalidparameter`` whose debuginfo is ``inner`` below ``path`` (the path's messages localised)."""
    debuginfo = {lang: nested(path, inner, lang) for lang in LANGS}
    assert_error(h, function, "invalid_parameter_exception", "invalidparameter", LANGS, debuginfo, token, **params)


def nested(path: list[str], inner: str, lang: str = "en") -> str:
    """§5.1 path building: ``users => Invalid parameter value detected: <inner>``, outermost first."""
    text = inner
    for key in reversed(path):
        text = f"{key} => {LANGS[lang]}: {text}"
    return text


def picture(h: Harness, size: str) -> str:
    return f"{h.base_url}/theme/image.php/boost/core/1/u/{size}"


def ana(h: Harness, **changes: Any) -> dict[str, Any]:
    """alumno1 (id 3) as an admin sees her: ``user_get_user_details`` of the reference's §4.1."""
    user: dict[str, Any] = {
        "id": 3,
        "username": "alumno1",
        "firstname": "Ana",
        "lastname": "Pérez",
        "fullname": "Ana Pérez",
        "email": "ana.perez@example.com",
        "department": "",
        "firstaccess": 0,
        "lastaccess": 0,
        "auth": "manual",
        "suspended": False,
        "confirmed": True,
        "lang": "es",
        "theme": "",
        "timezone": "99",
        "mailformat": 1,
        "description": "",
        "descriptionformat": 1,
        "profileimageurlsmall": picture(h, "f2"),
        "profileimageurl": picture(h, "f1"),
        "customfields": [{"type": "text", "value": "12345678-5", "name": "RUN del alumno", "shortname": "runalumno"}],
    }
    user.update(changes)
    return user


def edit_user(h: Harness, userid: int, **changes: Any) -> None:
    """Change stored user columns directly (the test's starting state)."""
    user = h.tenant.store.user(userid)
    assert user is not None
    h.tenant.store.save_user(replace(user, **changes))
