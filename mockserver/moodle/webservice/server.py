"""``/webservice/rest/server.php``: parsing, the order of checks, and the REST answer."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from starlette.requests import Request
from starlette.responses import Response

from mockserver.moodle.errors import (
    DmlMissingRecordException,
    InvalidParameterException,
    MoodleException,
    WebserviceAccessException,
)
from mockserver.moodle.net import address_in_subnet
from mockserver.moodle.params import php_empty
from mockserver.moodle.site import Site
from mockserver.moodle.webservice import render
from mockserver.moodle.webservice.registry import Call, ExternalFunction, registry
from mockserver.moodle.webservice.request import merged_params
from mockserver.moodle.webservice.validate import ParameterValidator, ReturnCleaner
from mockserver.phpform import array_merge
from mockserver.world.entities import GUEST_USER_ID, Service, Token, User

FUNCTIONS = registry()
_SETTING_TYPES = (("raw", "bool"), ("fileurl", "bool"), ("filter", "bool"), ("lang", "lang"), ("timezone", "timezone"))
_SETTINGS = tuple((name, f"moodlewssetting{name}", param_type) for name, param_type in _SETTING_TYPES)
_SETTING_KEYS = frozenset(key for _, key, _ in _SETTINGS)

ACCESS_NOT_ALLOWED = """Access to the function {name}() is not allowed.
                     There could be multiple reasons for this:
                     1. The service linked to the user token does not contain the function.
                     2. The service is user-restricted and the user is not listed.
                     3. The service is IP-restricted and the user IP is not listed.
                     4. The service is time-restricted and the time has expired.
                     5. The token is time-restricted and the time has expired.
                     6. The service requires a specific capability which the user does not have.
                     7. The function is called with username/password (no user token is sent)
                     and none of the services has the function to allow the user.
                     These settings can be found in Administration > Site administration
                     > Server > Web services > External services and Manage tokens."""


@dataclass(frozen=True)
class WsSettings:
    """``set_web_service_call_settings()``: the ``moodlewssetting*`` parameters, cleaned leniently."""

    raw: bool = False
    fileurl: bool = True
    filter: bool = False
    lang: str = ""
    timezone: str = ""

    @classmethod
    def pop(cls, site: Site, get: dict[str, Any], post: dict[str, Any]) -> WsSettings:
        if not (_SETTING_KEYS & get.keys() or _SETTING_KEYS & post.keys()):
            return _DEFAULT_SETTINGS  # the usual call: no setting sent
        values: dict[str, Any] = {}
        for name, key, param_type in _SETTINGS:
            # optional_param(): POST wins over GET; then the setting leaves both arrays.
            value = post[key] if key in post else get.get(key)
            get.pop(key, None)
            post.pop(key, None)
            if isinstance(value, str):
                cleaned = site.cleaner.clean(value, param_type)
                values[name] = bool(cleaned) if param_type == "bool" else str(cleaned)
        return cls(**values)


_DEFAULT_SETTINGS = WsSettings()


class RestCall:
    """State of one request while it moves through Moodle's checks."""

    def __init__(self, site: Site, params: dict[str, Any], fmt: str, settings: WsSettings, session_lang: str | None):
        self.site = site
        self.params = params
        self.fmt = fmt
        self.settings = settings
        # $SESSION->lang from ?lang= or Accept-Language (bootstrap, before the token is read).
        self.session_lang = session_lang
        self.lang = session_lang or site.site_lang()
        self.userid = 0
        """``$USER->id``: 0 until the token user is set (matters for ``$CFG->debugusers``)."""

    def authenticate(self, token_value: Any) -> tuple[Token, User]:
        site = self.site
        token = site.store.token(token_value) if isinstance(token_value, str) else None
        if token is None:
            raise MoodleException("invalidtoken", "webservice")
        if token.validuntil and token.validuntil < site.clock.time():
            site.store.delete_token(token.token)
            raise WebserviceAccessException("Invalid token - token expired - check validuntil time for the token")
        if token.iprestriction:
            remote = site.client_ip or "0.0.0.0"  # getremoteaddr() with its default
            if not address_in_subnet(remote, token.iprestriction):
                raise WebserviceAccessException(
                    f"Invalid service - IP:{remote} is not supported - check this allowed user"
                )
        user = site.store.user(token.userid)
        if user is None:
            raise MoodleException("invalidtoken", "webservice")
        if site.cfg.maintenance and not user.siteadmin:
            raise MoodleException("sitemaintenance", "error")
        refusals = (
            (user.deleted, "wsaccessuserdeleted"),
            (not user.confirmed, "wsaccessuserunconfirmed"),
            (user.suspended, "wsaccessusersuspended"),
            (user.auth == "nologin", "wsaccessusernologin"),
        )
        for refused, code in refusals:
            if refused:
                raise MoodleException(code, "webservice", user.username)
        # set_user(): from here current_language() falls back to the token user's language.
        self.userid = user.id
        self.lang = self.session_lang or user.lang or site.site_lang()
        if not self._may_use_rest(user):
            raise WebserviceAccessException(
                "You are not allowed to use the rest protocol (missing capability: webservice/rest:use)"
            )
        return token, user

    def _may_use_rest(self, user: User) -> bool:
        """``webservice/rest:use``: no default role, but enabling mobile web services grants it to
        the authenticated-user role (admin_setting_enablemobileservice::set_protocol_cap)."""
        if user.has_capability("webservice/rest:use"):
            return True
        return self.site.cfg.enablemobilewebservice and user.id != GUEST_USER_ID

    def load_function(self, name: Any, token: Token, user: User) -> tuple[ExternalFunction, Service]:
        if php_empty(name):
            raise InvalidParameterException("Missing function name")
        function = FUNCTIONS.get(name) if isinstance(name, str) else None
        if function is None:
            raise DmlMissingRecordException(
                "external_functions", "SELECT * FROM {external_functions} WHERE name = ?", [name]
            )
        service = self.site.store.service(token.serviceid)
        if service is None or not self._service_allows(service, function.name, user):
            raise WebserviceAccessException(ACCESS_NOT_ALLOWED.format(name=function.name))
        return function, service

    def _service_allows(self, service: Service, function: str, user: User) -> bool:
        if not service.enabled or function not in service.functions:
            return False
        iprestriction = ""
        if service.restrictedusers:
            authorised = service.authorised.get(user.id)
            if authorised is None:
                return False
            # Core's SQL reads "su.validuntil IS NULL OR su.validuntil < :now" (4.1): reproduced.
            if authorised.validuntil is not None and not authorised.validuntil < self.site.clock.time():
                return False
            iprestriction = authorised.iprestriction
        if service.requiredcapability and not user.has_capability(service.requiredcapability):
            return False
        return not (iprestriction and not address_in_subnet(self.site.client_ip or "0.0.0.0", iprestriction))

    def run(self, token_value: Any, function_name: Any) -> str:
        token, user = self.authenticate(token_value)
        function, service = self.load_function(function_name, token, user)
        if self.settings.lang:
            self.session_lang = self.settings.lang
            self.lang = self.settings.lang
        site = self.site
        validator = ParameterValidator(site.cleaner, self.lang, site.debug)
        arguments = validator.validate(function.parameters(site), self.params)
        call = Call(site, user, token, service, lang=self.lang, raw=self.settings.raw)
        result = function.execute(call, arguments)
        returns = function.return_description(site)
        cleaned = ReturnCleaner(site.cleaner, self.lang, site.debug).clean(returns, result)
        return render.success_body(cleaned, returns, self.fmt)

    def show_debug(self) -> bool:
        """``debugging()``: site debug level, or the current user listed in ``$CFG->debugusers``."""
        return self.site.debug.shows_debuginfo or (self.userid != 0 and self.userid in self.site.cfg.debugusers)


async def rest_server(request: Request) -> Response:
    site = Site.of(request)
    if not site.cfg.enablewebservices or "rest" not in site.cfg.webserviceprotocols:
        return Response(b"", status_code=403, media_type="text/html; charset=UTF-8")
    get, post = await merged_params(request, site.config.max_body_bytes)
    session_lang = site.url_lang(get, post) or site.browser_lang()
    settings = WsSettings.pop(site, get, post)
    params = array_merge(get, post)
    fmt_value = params.pop("moodlewsrestformat", None)
    fmt = fmt_value if fmt_value in ("xml", "json") else "xml"
    token_value = params.pop("wstoken", None)
    function_name = params.pop("wsfunction", None)
    call = RestCall(site, params, fmt, settings, session_lang)
    try:
        body = call.run(token_value, function_name)
    except MoodleException as error:
        body = render.error_body(error, fmt, call.lang, site.debug, site.cfg.version, show_debug=call.show_debug())
    return render.RestResponse(body.encode("utf-8", "surrogateescape"), fmt)
