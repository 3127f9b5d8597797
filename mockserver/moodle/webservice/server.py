"""``/webservice/rest/server.php``: parsing, the order of checks, and the REST answer."""

from __future__ import annotations

from typing import Any

from starlette.requests import Request
from starlette.responses import Response

from mockserver.moodle.errors import (
    DmlMissingRecordException,
    InvalidParameterException,
    MoodleException,
    WebserviceAccessException,
)
from mockserver.moodle.lang import INSTALLED_LANGUAGES
from mockserver.moodle.net import address_in_subnet
from mockserver.moodle.site import Site
from mockserver.moodle.webservice import render
from mockserver.moodle.webservice.registry import Call, ExternalFunction, registry
from mockserver.moodle.webservice.request import merged_params
from mockserver.moodle.webservice.validate import ParameterValidator, clean_return
from mockserver.world.entities import Service, Token, User

FUNCTIONS = registry()
SETTINGS = ("moodlewssettingraw", "moodlewssettingfileurl", "moodlewssettingfilter", "moodlewssettinglang", "moodlewssettingtimezone")

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


class RestCall:
    """State of one request while it moves through Moodle's checks."""

    def __init__(self, site: Site, params: dict[str, Any], fmt: str, settings_lang: str) -> None:
        self.site = site
        self.params = params
        self.fmt = fmt
        self.settings_lang = settings_lang
        # Before authentication only Accept-Language ($SESSION->lang) or the site language apply.
        self.session_lang = site.browser_lang()
        self.lang = self.session_lang or site.site_lang()

    def authenticate(self, token_value: Any) -> tuple[Token, User]:
        site = self.site
        token = site.store.token(token_value) if isinstance(token_value, str) else None
        if token is None:
            raise MoodleException("invalidtoken", "webservice")
        if token.validuntil and token.validuntil < site.clock.time():
            site.store.delete_token(token.token)
            raise WebserviceAccessException("Invalid token - token expired - check validuntil time for the token")
        if token.iprestriction and not address_in_subnet(site.client_ip or "", token.iprestriction):
            raise WebserviceAccessException(
                f"Invalid service - IP:{site.client_ip or ''} is not supported - check this allowed user"
            )
        user = site.store.user(token.userid)
        if user is None:
            raise MoodleException("invalidtoken", "webservice")
        if site.cfg.maintenance and not user.siteadmin:
            raise MoodleException("sitemaintenance", "error")
        for flag, code in ((user.deleted, "wsaccessuserdeleted"), (not user.confirmed, "wsaccessuserunconfirmed"), (user.suspended, "wsaccessusersuspended"), (user.auth == "nologin", "wsaccessusernologin")):
            if flag:
                raise MoodleException(code, "webservice", user.username)
        # From here the token user's language applies unless the session already has one.
        self.lang = self.session_lang or (user.lang if user.lang in INSTALLED_LANGUAGES else site.site_lang())
        if not user.has_capability("webservice/rest:use"):
            raise WebserviceAccessException(
                "You are not allowed to use the rest protocol (missing capability: webservice/rest:use)"
            )
        return token, user

    def load_function(self, name: Any, token: Token, user: User) -> tuple[ExternalFunction, Service]:
        if name is None or name == "" or name == "0":
            raise InvalidParameterException("Missing function name")
        function = FUNCTIONS.get(name) if isinstance(name, str) else None
        if function is None:
            raise DmlMissingRecordException(
                "external_functions", "SELECT * FROM {external_functions} WHERE name = ?", [str(name)]
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
        if iprestriction and not address_in_subnet(self.site.client_ip or "", iprestriction):
            return False
        return True

    def run(self, token_value: Any, function_name: Any) -> str:
        token, user = self.authenticate(token_value)
        function, service = self.load_function(function_name, token, user)
        if self.settings_lang:
            self.session_lang = self.settings_lang
            self.lang = self.settings_lang
        validator = ParameterValidator(self.site.cleaner, self.lang, self.site.debug)
        arguments = validator.validate(function.parameters(self.site), self.params)
        result = function.execute(Call(self.site, user, token, service), arguments)
        cleaned = clean_return(function.returns, result)
        return render.success_body(cleaned, function.returns, self.fmt)


def _pop_setting(get: dict[str, Any], post: dict[str, Any], name: str) -> Any:
    value = post.get(name, get.get(name))
    get.pop(name, None)
    post.pop(name, None)
    return value


async def rest_server(request: Request) -> Response:
    site = Site.of(request)
    if not site.cfg.enablewebservices or "rest" not in site.cfg.webserviceprotocols:
        return Response(b"", status_code=403, media_type="text/html; charset=UTF-8")
    get, post = await merged_params(request, site.config.max_body_bytes)
    settings = {name: _pop_setting(get, post, name) for name in SETTINGS}
    lang_setting = settings["moodlewssettinglang"]
    settings_lang = site.cleaner.clean(lang_setting, "lang") if isinstance(lang_setting, str) else ""
    params = {**get, **post}
    fmt_value = params.pop("moodlewsrestformat", None)
    fmt = fmt_value if fmt_value in ("xml", "json") else "xml"
    token_value = params.pop("wstoken", None)
    function_name = params.pop("wsfunction", None)
    call = RestCall(site, params, fmt, str(settings_lang or ""))
    try:
        body = call.run(token_value, function_name)
    except MoodleException as error:
        body = render.error_body(error, fmt, call.lang, site.debug, site.cfg.version)
    headers = render.JSON_HEADERS if fmt == "json" else render.XML_HEADERS
    return Response(body.encode("utf-8", "replace"), status_code=200, headers=headers)
