"""``lib/ajax/service.php`` and ``lib/ajax/service-nologin.php``: a JSON array of calls in, a JSON array of
``{"error":false,"data":…}`` / ``{"error":true,"exception":…}`` out.

The reference is silent; this follows Moodle's ``lib/ajax/service.php`` and
``external_api::call_external_function($name, $args, true)``: the body is ``json_decode``d (invalid JSON
is a ``coding_exception`` rendered by the AJAX renderer), each request's ``methodname``/``index`` are
cleaned, an unknown function fails the whole script (its lookup is outside the per-call ``try``), and
a function that requires login answers ``servicerequireslogin`` to a visitor without a session.
Only functions that need no login are runnable here (``tool_mobile_get_public_config``); see
docs/provisioning.md for what is emulated and what is not.
"""

from __future__ import annotations

import json
from typing import Any

from starlette.requests import Request
from starlette.responses import Response

from mockserver import phpform, phpjson
from mockserver.moodle.errors import CodingException, DmlMissingRecordException, MoodleException
from mockserver.moodle.pages.http import exception_info
from mockserver.moodle.pages.session import BrowserSession
from mockserver.moodle.site import Site
from mockserver.moodle.webservice.registry import Call, ExternalFunction, registry
from mockserver.moodle.webservice.request import read_body
from mockserver.moodle.webservice.validate import ParameterValidator, ReturnCleaner
from mockserver.world.entities import Service, Token, User

HEADERS = {"Content-Type": "application/json; charset=utf-8", "Access-Control-Allow-Origin": "*"}
NOLOGIN_FUNCTIONS = frozenset({"tool_mobile_get_public_config"})
"""Functions declared ``'ajax' => true, 'loginrequired' => false`` (callable by visitors)."""
MAX_DEPTH = 512
"""``json_decode``'s default depth."""
_ARRAY_PARAM = "clean_param() can not process arrays, please use clean_param_array() instead."


class _InvalidJson(Exception):
    """``json_decode`` returned null: ``json_last_error_msg()`` is the message."""


def _reject_constant(name: str) -> Any:
    raise ValueError(name)  # PHP's parser knows no NaN/Infinity


def _depth(value: Any) -> int:
    """Nesting depth as ``json_decode`` counts it (a scalar is 0, ``[]`` is 1)."""
    depth, level = 0, [(value, 1)]
    while level:
        item, d = level.pop()
        if isinstance(item, (list, dict)):
            depth = max(depth, d)
            level.extend((child, d + 1) for child in (item.values() if isinstance(item, dict) else item))
    return depth


def php_json_decode(body: bytes) -> Any:
    """``json_decode($body, true)``: the value, or ``_InvalidJson`` with PHP's error message."""
    try:
        text = body.decode("utf-8")
    except UnicodeDecodeError:
        raise _InvalidJson("Malformed UTF-8 characters, possibly incorrectly encoded") from None
    try:
        value = json.loads(text, parse_constant=_reject_constant)
    except (ValueError, RecursionError):
        raise _InvalidJson("Syntax error") from None
    if _depth(value) > MAX_DEPTH:
        raise _InvalidJson("Maximum stack depth exceeded")
    if value is None:
        raise _InvalidJson("No error")  # a literal null decodes to null too
    return value


def _clean_alphanumext(value: Any) -> str:
    if isinstance(value, (list, dict)):
        raise CodingException(_ARRAY_PARAM)
    if value is None or value is False:
        return ""
    text = "1" if value is True else phpform_string(value)
    return "".join(c for c in text if c.isascii() and (c.isalnum() or c in "_-"))


def _clean_int(value: Any) -> int:
    if isinstance(value, (list, dict)):
        raise CodingException(_ARRAY_PARAM)
    if isinstance(value, bool) or value is None:
        return int(bool(value))
    if isinstance(value, (int, float)):
        return int(value)
    text = str(value).lstrip(" \t\n\r\v\f")
    digits = ""
    for i, char in enumerate(text):
        if (char.isascii() and char.isdigit()) or (i == 0 and char in "+-"):
            digits += char
        else:
            break
    try:
        return int(digits)
    except ValueError:
        return 0


def phpform_string(value: Any) -> str:
    """``(string)$value`` of a decoded JSON scalar."""
    if isinstance(value, float):
        return phpjson.encode(value)
    return str(value)


class _Script:
    """One run of service.php: the site, the language, who is logged in, whether errors stop the loop."""

    def __init__(self, site: Site, get: dict[str, Any], nologin: bool) -> None:
        self.site = site
        self.nologin = nologin
        self.userid = 0
        lang = site.url_lang(get, {}) or site.browser_lang()
        if not nologin:
            user = BrowserSession(site).user
            if user is not None and user.id:
                self.userid = user.id
                lang = lang or user.lang
        self.lang = lang or site.site_lang()

    def call(self, name: str, args: Any) -> dict[str, Any]:
        """``external_api::call_external_function($name, $args, true)``."""
        function = registry().get(name)
        if function is None:
            raise DmlMissingRecordException(
                "external_functions", "SELECT * FROM {external_functions} WHERE name = ?", [name]
            )
        try:
            return {"error": False, "data": self._run(function, args)}
        except MoodleException as error:
            return {"error": True, "exception": self._exception(error)}

    def _run(self, function: ExternalFunction, args: Any) -> Any:
        site = self.site
        if function.name not in NOLOGIN_FUNCTIONS:
            if self.nologin or not self.userid:
                raise MoodleException("servicerequireslogin", "webservice")
            raise MoodleException("servicenotavailable", "webservice")  # session calls are not emulated
        arguments = ParameterValidator(site.cleaner, self.lang, site.debug).validate(function.parameters(site), args)
        result = function.execute(_visitor_call(site, self.lang), arguments)
        returns = function.return_description(site)
        return ReturnCleaner(site.cleaner, self.lang, site.debug).clean(returns, result)

    def _exception(self, error: MoodleException) -> dict[str, Any]:
        """``get_exception_info()`` without ``a``; debuginfo and backtrace only for developers."""
        info = exception_info(self.site, error, self.lang)
        docs = f"https://docs.moodle.org/{self.site.cfg.version.replace('.', '0')}/{self.lang}/error"
        exception: dict[str, Any] = {"message": info["message"], "errorcode": error.errorcode}
        developer = self.site.debug.developer
        if developer:
            exception["backtrace"] = f"* line 0 of /lib/ajax/service.php: {error.kind} thrown\n"
        exception["link"] = info["link"]
        exception["moreinfourl"] = f"{docs}/{info['modulelink']}/{error.errorcode}"
        if developer:
            exception["debuginfo"] = info["debuginfo"]
        return exception

    def fatal(self, error: MoodleException) -> dict[str, Any]:
        """``core_renderer_ajax::fatal_error()``: the shape token.php errors have."""
        info = exception_info(self.site, error, self.lang)
        developer = self.site.debug.developer
        return {
            "error": info["message"],
            "errorcode": error.errorcode,
            "stacktrace": f"* line 0 of /lib/ajax/service.php: {error.kind} thrown" if developer else None,
            "debuginfo": info["debuginfo"] if developer else None,
            "reproductionlink": info["link"] if developer else None,
        }


def _visitor_call(site: Site, lang: str) -> Call:
    """The not-logged-in visitor (``$USER->id == 0``, no token, no service) calling a no-login function."""
    service = Service(0, "", None, True, False, "", False, False, ())
    return Call(site, User(0, ""), Token("", 0, 0), service, lang)


def _requests(decoded: Any) -> list[Any]:
    """``foreach ($requests as $request)``: lists and objects iterate their values, scalars nothing."""
    if isinstance(decoded, list):
        return decoded
    if isinstance(decoded, dict):
        return list(decoded.values())
    return []


def _field(request: Any, key: str) -> Any:
    """``$request[$key]``: null when missing or when the request is no array."""
    return request.get(key) if isinstance(request, dict) else None


def _encode(responses: dict[int, Any]) -> str:
    """``json_encode($responses)``: a list when the indexes are 0..n-1 in order, else an object."""
    if list(responses) == list(range(len(responses))):
        return phpjson.encode(list(responses.values()))
    return phpjson.encode({str(k): v for k, v in responses.items()})


async def _serve(request: Request, nologin: bool) -> Response:
    site = Site.of(request)
    get = phpform.parse(request.scope.get("query_string", b""))
    script = _Script(site, get, nologin)
    # service-nologin.php defines ALLOW_GET_PARAMETERS: a cacheable ?args= wins over the body.
    get_args = get.get("args") if nologin else None
    if isinstance(get_args, str) and get_args:
        raw = get_args.encode("utf-8", "surrogateescape")
    else:
        raw = (await read_body(request, site.config.max_body_bytes)) or b""
    responses: dict[int, Any] = {}
    try:
        try:
            decoded = php_json_decode(raw)
        except _InvalidJson as invalid:
            raise CodingException(f"Invalid json in request: {invalid}") from None
        for item in _requests(decoded):
            name = _clean_alphanumext(_field(item, "methodname"))
            index = _clean_int(_field(item, "index"))
            response = script.call(name, _field(item, "args"))
            responses[index] = response
            if response["error"] and not nologin:
                break  # a session request stops at its first failure
    except MoodleException as error:
        return Response(phpjson.encode(script.fatal(error)), headers=HEADERS)
    return Response(_encode(responses), headers=HEADERS)


async def ajax_service(request: Request) -> Response:
    return await _serve(request, nologin=False)


async def ajax_service_nologin(request: Request) -> Response:
    return await _serve(request, nologin=True)
