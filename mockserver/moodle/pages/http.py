"""Moodle's ``redirect()`` and exception page, and the page context every template gets."""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Any
from urllib.parse import urlsplit

from starlette.responses import Response

from mockserver.moodle.errors import MoodleException
from mockserver.moodle.lang import INSTALLED_LANGUAGES, get_string, string_exists
from mockserver.moodle.pages.session import BrowserSession
from mockserver.moodle.phpvalues import print_r
from mockserver.moodle.site import Site
from mockserver.templating import html


@lru_cache(maxsize=1024)
def absolutize(url: str, wwwroot: str, script: str) -> str:
    """``redirect()``'s URL handling (4.1): relative targets made absolute, then sanitised.

    A target without a scheme joins the *host part* of wwwroot when it starts with ``/``, else
    the directory of the running script (``me()`` without its query), with ``dir/../`` collapsed;
    control characters are then removed and ``"`` becomes ``%22``.
    """
    if not re.match(r"^[a-z]+:", url, re.IGNORECASE):
        hostpart = re.sub(r"^(.*?[^:/])/.*$", r"\1", wwwroot)
        directory = f"{hostpart}{script.split('?', 1)[0]}/../"
        url = hostpart + url if url.startswith("/") else directory + url
        while True:
            collapsed = re.sub(r"/(?!\.\.)[^/]*/\.\./", "/", url)
            if collapsed == url:
                break
            url = collapsed
    return re.sub(r"[\x00-\x1f\x7f]", "", url).replace('"', "%22")


def script_path(site: Site) -> str:
    """``me()`` without the query: wwwroot's path plus this page's path inside the site."""
    path: str = site.request.scope["path"]
    root = site.request.scope.get("root_path", "")
    if root and path.startswith(root):
        path = path[len(root) :]
    return urlsplit(site.wwwroot).path.rstrip("/") + path


def absolute_redirect_url(site: Site, url: str) -> str:
    return absolutize(url, site.wwwroot, script_path(site))


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


# bootstrap_renderer::plain_redirect_message() inside plain_page() (lib/setuplib.php, 4.1).
_REDIRECT_PAGE = (
    '<!DOCTYPE html>\n<html  dir="ltr" lang="{lang}" xml:lang="{lang}">\n<head>\n<title>{title}</title>\n'
    '<meta http-equiv="Content-Type" content="text/html; charset=utf-8" />\n</head><body>'
    '<div style="margin-top: 3em; margin-left:auto; margin-right:auto; text-align:center;">'
    '{message}<br /><a href="{href}">{cont}</a></div></body></html>'
)


_BARE_AMP = re.compile(r"&(?![a-zA-Z0-9#]{1,8};)")


def encode_url_for_html(url: str) -> str:
    """``redirect()``'s ``$encodedurl``: bare ``&`` become ``&amp;`` (entities are kept)."""
    encoded = _BARE_AMP.sub("&amp;", url)
    return encoded.replace("<", "%3C").replace(">", "%3E")


class RedirectResponse(Response):
    """``HTMLResponse(body, 303, headers={"Location": target, "X-Redirect-By": "Moodle"})``, the
    same headers in the same order, built without Starlette's generic header handling."""

    def __init__(self, body: str, location: str) -> None:
        self.status_code = 303
        self.background = None
        self.body = body.encode("utf-8")
        self.raw_headers = [
            (b"location", location.encode("latin-1")),
            (b"x-redirect-by", b"Moodle"),
            (b"content-length", str(len(self.body)).encode("latin-1")),
            (b"content-type", b"text/html; charset=utf-8"),
        ]


def redirect(site: Site, browser: BrowserSession | None, url: str) -> Response:
    target = absolute_redirect_url(site, url)
    lang = page_lang(site, browser)
    before, after = _redirect_page(lang)
    response = RedirectResponse(before + encode_url_for_html(target) + after, target)
    return browser.apply_cookie(response) if browser is not None else response


@lru_cache(maxsize=64)
def _redirect_page(lang: str) -> tuple[str, str]:
    """The redirect page of ``lang`` before and after its link (the strings are fixed per language)."""
    head, tail = _REDIRECT_PAGE.split("{href}")
    strings = {
        "lang": lang,
        "title": get_string("redirect", "moodle", lang=lang),
        "message": get_string("pageshouldredirect", "moodle", lang=lang),
        "cont": get_string("continue", "moodle", lang=lang),
    }
    return head.format(**strings), tail.format(**strings)


def exception_info(site: Site, error: MoodleException, lang: str) -> dict[str, str]:
    """``get_exception_info()``: message (string looked up again, no debug suffix), links, debuginfo."""
    debuginfo = (error.debuginfo or "") + f"\nError code: {error.errorcode}"
    component = error.component
    if string_exists(error.errorcode, component):
        message = error.base_message(lang)
    elif component == "error" and string_exists(error.errorcode, "moodle"):
        message = get_string(error.errorcode, "moodle", error.a, lang)
    else:
        message = f"{component}/{error.errorcode}"
        debuginfo += f"\n$a contents: {print_r(error.a)}"
    modulelink = "moodle" if component == "error" else component
    link = error.link or f"{site.wwwroot}/"
    if not link.lower().startswith(site.wwwroot.lower()):
        link = f"{site.wwwroot}/"  # the continue button never leaves the site
    return {"message": message, "debuginfo": debuginfo, "modulelink": modulelink, "link": link}


def _fatal_error_status(site: Site) -> int:
    """``core_renderer::fatal_error``: 404, but 407 for byte-range requests (403 for iOS Safari's player)."""
    headers = site.request.headers
    if not headers.get("range"):
        return 404
    agent = headers.get("user-agent", "")
    webkit = re.search(r"AppleWebKit/([0-9]+)", agent)
    ios_safari = "Safari" in agent and any(d in agent for d in ("iPhone", "iPad", "iPod"))
    if ios_safari and webkit and int(webkit.group(1)) >= 602 and headers.get("x-playback-session-id"):
        return 403
    return 407


def error_page(site: Site, browser: BrowserSession | None, error: MoodleException) -> Response:
    """The exception page Moodle 4.1 renders for a ``moodle_exception``: HTTP 404 (407/403 with Range).

    Debug info is shown only with ``$CFG->debugdeveloper``; the message never carries the
    developer `` (debuginfo)`` suffix because ``get_exception_info`` looks the string up again.
    """
    context = page_context(site, browser)
    info = exception_info(site, error, context["lang"])
    response = html(
        "moodle/error.html",
        status_code=_fatal_error_status(site),
        **context,
        message=info["message"],
        errorcode=error.errorcode,
        component=info["modulelink"],
        debuginfo=info["debuginfo"] if site.debug.developer else None,
        link=info["link"],
        docsversion=site.cfg.version.replace(".", "0"),
    )
    return browser.apply_cookie(response) if browser is not None else response
