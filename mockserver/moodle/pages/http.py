"""Moodle's ``redirect()`` and exception page, and the page context every template gets."""

from __future__ import annotations

import re
from typing import Any

from starlette.responses import HTMLResponse, Response

from mockserver.moodle.errors import MoodleException
from mockserver.moodle.lang import INSTALLED_LANGUAGES, get_string
from mockserver.moodle.pages.session import BrowserSession
from mockserver.moodle.site import Site
from mockserver.templating import html, render


def absolute_redirect_url(site: Site, url: str) -> str:
    """``redirect()``'s absolutization: '/x' joins the host part of wwwroot, 'x' the script dir."""
    url = re.sub(r"[\x00-\x1f\x7f]", "", url).replace('"', "%22")
    if re.match(r"^[a-z]+:", url, re.IGNORECASE):
        return url
    hostpart = re.sub(r"^(.*?[^:/])/.*$", r"\1", site.wwwroot)
    if url.startswith("/"):
        return hostpart + url
    script = site.request.url.path
    absolute = f"{hostpart}{script}/../{url}"
    while True:
        collapsed = re.sub(r"/(?!\.\.)[^/]*/\.\./", "/", absolute, count=1)
        if collapsed == absolute:
            return absolute
        absolute = collapsed


def page_lang(site: Site, browser: BrowserSession | None) -> str:
    """Current language: session, user, browser (autolang), site."""
    if browser is not None:
        lang = browser.session.data.get("lang")
        if lang in INSTALLED_LANGUAGES:
            return str(lang)
        user = browser.user
        if user is not None and browser.is_real_user and user.lang in INSTALLED_LANGUAGES:
            return user.lang
    return site.browser_lang() or site.site_lang()


def page_context(site: Site, browser: BrowserSession | None, **extra: Any) -> dict[str, Any]:
    lang = page_lang(site, browser)
    user = browser.user if browser is not None and browser.is_real_user else None

    def s(identifier: str, component: str = "moodle", a: object = None) -> str:
        return get_string(identifier, component, a, lang)

    return {
        "s": s,
        "lang": lang,
        "wwwroot": site.wwwroot,
        "sitename": site.cfg.sitename,
        "user": user,
        "sesskey": browser.session.sesskey if browser is not None else "",
        **extra,
    }


def redirect(site: Site, browser: BrowserSession | None, url: str) -> Response:
    target = absolute_redirect_url(site, url)
    body = render("moodle/redirect.html", **page_context(site, browser, target=target))
    response = HTMLResponse(body, status_code=303, headers={"Location": target, "X-Redirect-By": "Moodle"})
    return browser.apply_cookie(response) if browser is not None else response


def error_page(site: Site, browser: BrowserSession | None, error: MoodleException) -> Response:
    """The exception page Moodle 4.1 renders for a ``moodle_exception``: HTTP 404."""
    context = page_context(site, browser)
    message = error.message(context["lang"], site.debug)
    response = html(
        "moodle/error.html",
        status_code=404,
        **context,
        message=message,
        errorcode=error.errorcode,
        component=error.component,
        debuginfo=error.debuginfo if site.debug.shows_debuginfo else None,
        link=error.link or f"{site.wwwroot}/",
    )
    return browser.apply_cookie(response) if browser is not None else response
