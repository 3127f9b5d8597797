"""``/local/eduauth/logout.php`` (§1.4): send a browser logged in as someone else to Moodle's logout."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response

from mockserver.moodle.pages.params import PageParams
from mockserver.moodle.pages.session import BrowserSession
from mockserver.moodle.plugins.local_eduauth.common import PHP_DEFAULT_TYPE, not_installed
from mockserver.moodle.plugins.local_eduauth.settings import config
from mockserver.moodle.site import Site


async def logout_php(request: Request) -> Response:
    site = Site.of(request)
    if not config(site).installed:
        return not_installed()
    browser = BrowserSession(site)
    params = await PageParams.read(request, site)
    userid = int(params.optional("userid", 0, "int"))
    headers = {"Content-Type": PHP_DEFAULT_TYPE}
    if userid > 0 and browser.userid != userid:
        # header('Location: ...') alone: PHP answers 302 Found. A visitor's $USER has no sesskey yet.
        sesskey = browser.session.sesskey if browser.userid else ""
        headers["Location"] = f"{site.wwwroot}/login/logout.php?sesskey={sesskey}"
        return browser.apply_cookie(Response(b"", status_code=302, headers=headers))
    return browser.apply_cookie(Response(b"", headers=headers))
