"""``/login/token.php``: username/password to a permanent token, AJAX-style JSON errors."""

from __future__ import annotations

import secrets
import string
from typing import Any

from starlette.requests import Request
from starlette.responses import Response

from mockserver import phpjson
from mockserver.moodle.auth import authenticate_user_login
from mockserver.moodle.errors import MoodleException
from mockserver.moodle.net import address_in_subnet
from mockserver.moodle.pages.http import exception_info
from mockserver.moodle.pages.params import PageParams
from mockserver.moodle.site import Site
from mockserver.world.entities import GUEST_USER_ID, Service, Token, User

MOBILE_SERVICE = "moodle_mobile_app"
_ALPHANUM = string.ascii_letters + string.digits
HEADERS = {"Content-Type": "application/json; charset=utf-8", "Access-Control-Allow-Origin": "*"}


def _token_for(site: Site, user: User, service: Service) -> Token:
    if service.requiredcapability and not user.has_capability(service.requiredcapability):
        raise MoodleException("missingrequiredcapability", "webservice", service.requiredcapability)
    if service.restrictedusers:
        authorised = service.authorised.get(user.id)
        if authorised is None:
            raise MoodleException("usernotallowed", "webservice", service.shortname)
        if authorised.validuntil and authorised.validuntil < site.clock.time():
            raise MoodleException("invalidtimedtoken", "webservice")
        if authorised.iprestriction and not address_in_subnet(site.client_ip or "", authorised.iprestriction):
            raise MoodleException("invalidiptoken", "webservice")
    now = site.clock.time()
    valid = []
    for token in sorted(site.store.tokens(), key=lambda t: t.timecreated):
        if token.userid != user.id or token.serviceid != service.id:
            continue
        if token.validuntil and token.validuntil < now:
            site.store.delete_token(token.token)
            continue
        if token.iprestriction and not address_in_subnet(site.client_ip or "", token.iprestriction):
            continue
        valid.append(token)
    if valid:
        return valid[-1]
    official = service.shortname == MOBILE_SERVICE
    may_create = (official and user.id != GUEST_USER_ID) or (
        not user.siteadmin and user.has_capability("moodle/webservice:createtoken")
    )
    if not may_create:
        raise MoodleException("cannotcreatetoken", "webservice", service.shortname)
    token = Token(secrets.token_hex(16), user.id, service.id, now + site.cfg.tokenduration, "", now)
    site.store.add_token(token)
    return token


class _Lang:
    """``current_language()`` of the request: session language (?lang=, Accept-Language), then user, site."""

    def __init__(self, site: Site, params: PageParams) -> None:
        self.site = site
        self.session = site.url_lang(params.get, params.post) or site.browser_lang()
        self.user: str | None = None

    @property
    def current(self) -> str:
        return self.session or self.user or self.site.site_lang()


def _issue(site: Site, params: PageParams, lang: _Lang) -> dict[str, Any]:
    if not site.cfg.enablewebservices:
        raise MoodleException("enablewsdescription", "webservice")
    if params.optional("appsitecheck", 0, "int"):
        return {"appsitecheck": "ok"}
    username = params.required("username", "username")
    password = params.required("password", "raw")
    shortname = params.required("service", "alphanumext")
    user = authenticate_user_login(site, str(username).strip().lower(), str(password))
    if user is None:
        raise MoodleException("invalidlogin", "error")
    if site.cfg.maintenance and not user.siteadmin:
        raise MoodleException("sitemaintenance", "error")
    if user.id == GUEST_USER_ID:
        raise MoodleException("noguest", "error")
    if not user.confirmed:
        raise MoodleException("usernotconfirmed", "error", user.username)
    # \core\session\manager::set_user($user): later errors use the user's language.
    lang.user = user.lang
    service = next((s for s in site.store.services() if s.shortname == shortname and s.enabled), None)
    if service is None:
        raise MoodleException("servicenotavailable", "webservice")
    token = _token_for(site, user, service)
    # The token row keeps its random_string(64) private token; it is sent only over HTTPS and
    # never to site admins.
    if not token.privatetoken:
        token.privatetoken = "".join(secrets.choice(_ALPHANUM) for _ in range(64))
    https = site.wwwroot.startswith("https:")
    return {"token": token.token, "privatetoken": token.privatetoken if https and not user.siteadmin else None}


async def token_php(request: Request) -> Response:
    site = Site.of(request)
    params = await PageParams.read(request, site)
    lang = _Lang(site, params)
    try:
        body = _issue(site, params, lang)
    except MoodleException as error:
        # core_renderer_ajax::fatal_error() over get_exception_info().
        info = exception_info(site, error, lang.current)
        developer = site.debug.developer
        body = {
            "error": info["message"],
            "errorcode": error.errorcode,
            "stacktrace": "* line 0 of /login/token.php: moodle_exception thrown" if developer else None,
            "debuginfo": info["debuginfo"] if developer else None,
            "reproductionlink": info["link"] if developer else None,
        }
    return Response(phpjson.encode(body), headers=HEADERS)
