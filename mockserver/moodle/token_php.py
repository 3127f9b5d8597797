"""``/login/token.php``: username/password to a permanent token, AJAX-style JSON errors."""

from __future__ import annotations

import secrets
from typing import Any

from starlette.requests import Request
from starlette.responses import Response

from mockserver import phpjson
from mockserver.moodle.errors import MoodleException
from mockserver.moodle.net import address_in_subnet
from mockserver.moodle.pages.params import PageParams
from mockserver.moodle.auth import authenticate_user_login
from mockserver.moodle.site import Site
from mockserver.world.entities import GUEST_USER_ID, Service, Token, User

MOBILE_SERVICE = "moodle_mobile_app"
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
    if not ((official and user.id != GUEST_USER_ID) or (not user.siteadmin and user.has_capability("moodle/webservice:createtoken"))):
        raise MoodleException("cannotcreatetoken", "webservice", service.shortname)
    token = Token(secrets.token_hex(16), user.id, service.id, now + site.cfg.tokenduration, "", now)
    site.store.add_token(token)
    return token


def _issue(site: Site, params: PageParams) -> dict[str, Any]:
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
    service = next((s for s in site.store.services() if s.shortname == shortname and s.enabled), None)
    if service is None:
        raise MoodleException("servicenotavailable", "webservice")
    token = _token_for(site, user, service)
    privatetoken = secrets.token_urlsafe(48)[:64] if site.wwwroot.startswith("https:") and not user.siteadmin else None
    return {"token": token.token, "privatetoken": privatetoken}


async def token_php(request: Request) -> Response:
    site = Site.of(request)
    params = await PageParams.read(request, site)
    lang = site.browser_lang() or site.site_lang()
    try:
        body = _issue(site, params)
    except MoodleException as error:
        developer = site.cfg.debug == "developer"
        body = {
            "error": error.base_message(lang),
            "errorcode": error.errorcode,
            "stacktrace": "* line 0 of /login/token.php: moodle_exception thrown" if developer else None,
            "debuginfo": f"{error.debuginfo or ''}\nError code: {error.errorcode}" if developer else None,
            "reproductionlink": f"{site.wwwroot}/" if developer else None,
        }
    return Response(phpjson.encode(body), headers=HEADERS)
