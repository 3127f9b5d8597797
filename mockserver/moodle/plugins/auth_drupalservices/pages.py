"""``/auth/drupalservices/duallogin.php`` (vfremaux): choose a Drupal or a local Moodle account."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response

from mockserver.moodle.pages.http import page_context, redirect
from mockserver.moodle.pages.session import BrowserSession
from mockserver.moodle.site import Site
from mockserver.templating import html


async def duallogin_php(request: Request) -> Response:
    """Not behind a login: a logged-in visitor goes to wwwroot; others get the two buttons."""
    site = Site.of(request)
    browser = BrowserSession(site)
    if browser.user is not None:
        return redirect(site, browser, site.wwwroot)
    context = page_context(
        site,
        browser,
        drupalforcedloginurl=f"{site.wwwroot}/login/index.php?sso=drupal",
        moodleloginurl=f"{site.wwwroot}/login/index.php?sso=no",
    )
    return browser.apply_cookie(html("auth_drupalservices/duallogin.html", **context))
