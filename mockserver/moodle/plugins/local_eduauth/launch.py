"""``/local/eduauth/launch.php`` (§1.3): log the app's user in and open a Moodle page given in base64."""

from __future__ import annotations

import base64
import re

from starlette.requests import Request
from starlette.responses import Response

from mockserver.moodle.pages.http import redirect
from mockserver.moodle.pages.params import PageParams
from mockserver.moodle.pages.session import BrowserSession
from mockserver.moodle.plugins.local_eduauth.common import check_token, json_reply, not_installed, page_url
from mockserver.moodle.plugins.local_eduauth.settings import config
from mockserver.moodle.site import Site

_NOT_BASE64 = re.compile(rb"[^A-Za-z0-9+/]")


def php_base64_decode(text: str) -> str:
    """``base64_decode($url)`` (not strict): characters outside the alphabet are skipped, padding
    is optional and a lone trailing character is dropped. The bytes come back as latin-1 so that the
    ``Location`` header carries them unchanged, as PHP sends them."""
    data = _NOT_BASE64.sub(b"", text.encode("utf-8", "surrogatepass"))
    usable = len(data) - len(data) % 4
    decoded = base64.b64decode(data[:usable]) if usable else b""
    rest = data[usable:]
    if len(rest) >= 2:
        decoded += base64.b64decode(rest + b"=" * (4 - len(rest)))
    return decoded.decode("latin-1")


def _fullme(site: Site) -> str:
    """``$PAGE->url`` of a page that never set it: ``$FULLME`` without ``sesskey``."""
    query = site.request.url.query
    kept = "&".join(p for p in query.split("&") if p and p.split("=", 1)[0] != "sesskey") if query else ""
    return page_url(site, "/local/eduauth/launch.php", kept) if kept else f"{site.wwwroot}/local/eduauth/launch.php"


async def launch_php(request: Request) -> Response:
    site = Site.of(request)
    if not config(site).installed:
        return not_installed()
    browser = BrowserSession(site)
    params = await PageParams.read(request, site)
    userid = int(params.optional("userid", 0, "int"))
    appid = str(params.optional("appid", "", "text"))
    token = str(params.optional("token", "", "text"))
    url = str(params.optional("url", "", "text"))
    checked = check_token(site, browser, userid, token, appid, _fullme(site))
    if isinstance(checked, Response):
        return checked
    if checked:
        return redirect(site, browser, php_base64_decode(url))
    reply = {"appid": appid, "status": "error", "error": "invalid_login", "userid": userid, "token": token, "data": url}
    return json_reply(reply, browser, cors=False)
