"""``/local/eduauth/login.php`` (eduauth-and-drupal.md §1.1): the app's browser login and its poll."""

from __future__ import annotations

from typing import Any

from starlette.requests import Request
from starlette.responses import Response

from mockserver.moodle.errors import MoodleException
from mockserver.moodle.lang import get_string
from mockserver.moodle.pages.http import error_page, page_context, page_lang, redirect
from mockserver.moodle.pages.params import PageParams
from mockserver.moodle.pages.session import BrowserSession
from mockserver.moodle.plugins import hooks
from mockserver.moodle.plugins.interface import HookPage
from mockserver.moodle.plugins.local_eduauth.common import (
    CORS,
    NAME,
    empty_reply,
    json_reply,
    not_installed,
    page_url,
    tables,
    with_headers,
)
from mockserver.moodle.plugins.local_eduauth.settings import config
from mockserver.moodle.plugins.local_eduauth.tables import COLUMN_LENGTH
from mockserver.moodle.site import Site
from mockserver.templating import html

CLOSE_SCRIPT = "window.top.close(); /* If we are in a webapp, close popup. */"


def valid_appid(appid: str) -> bool:
    """App ids need at least two dots (``explode('.', $appid)`` gives three parts or more)."""
    return len(appid.split(".")) >= 3


def _alert(site: Site, browser: BrowserSession, template: str, **alert: Any) -> Response:
    response = html(template, **page_context(site, browser), **alert)
    return with_headers(browser.apply_cookie(response), {"Content-Type": "text/html; charset=utf-8", **CORS})


def get_user(site: Site, browser: BrowserSession, token: str, appid: str) -> Response:
    """``act=getuser``: the first unredeemed row for (token, appid) answers once."""
    row = tables(site).pending(token, appid)
    if row is None:
        return json_reply({"error": "no_data_for_token"}, browser, cors=True)
    user = site.store.user(row.userid)
    if user is None:
        return json_reply({"error": "user_does_not_exist", "userid": row.userid}, browser, cors=True)
    tables(site).redeem(row)
    reply = {"appid": appid, "token": token, "sitename": site.cfg.sitename, "userid": user.id, "wwwroot": site.wwwroot}
    return json_reply(reply, browser, cors=True)


async def log_in(site: Site, browser: BrowserSession, params: PageParams, token: str, appid: str, act: str) -> Response:
    """``act=login``: to Moodle's login and back, then the row, the "Successful login." page and a logout."""
    user = browser.user
    if user is None or not browser.is_real_user:
        browser.session.wantsurl = page_url(site, "/local/eduauth/login.php", f"token={token}&appid={appid}&act={act}")
        browser.save()
        return with_headers(redirect(site, browser, f"{site.wwwroot}/login/index.php"), CORS)
    rows = tables(site)
    if rows.find(user.id, token, appid) is None:
        if len(token) > COLUMN_LENGTH or len(appid) > COLUMN_LENGTH:
            # char(40) columns: PostgreSQL refuses the insert ("value too long").
            return with_headers(error_page(site, browser, MoodleException("dmlwriteexception", "error")), CORS)
        rows.insert(user.id, token, appid, site.clock.time(), config(site).max_rows)
    lang = page_lang(site, browser)
    response = _alert(
        site,
        browser,
        "local_eduauth/alert.html",
        content=get_string("login:successful", NAME, lang=lang),
        script=CLOSE_SCRIPT,
        type="success",
        url="javascript:window.top.close();",
    )
    # The page is out before the logout: the auth plugins' logout hooks run, then require_logout()
    # ends the session. Headers are already sent, so no new cookie goes out.
    await hooks.logoutpage(HookPage(site, browser, params), f"{site.wwwroot}/")
    site.store.delete_session(browser.session.sid)
    return response


async def login_php(request: Request) -> Response:
    site = Site.of(request)
    if not config(site).installed:
        return not_installed()
    browser = BrowserSession(site)
    browser.session  # noqa: B018 - sesskey(): the session (and its cookie) starts here
    params = await PageParams.read(request, site)
    try:
        token = str(params.required("token", "text"))
        appid = str(params.required("appid", "text"))
    except MoodleException as error:
        return with_headers(error_page(site, browser, error), CORS)
    act = str(params.optional("act", "login", "text"))
    if not valid_appid(appid):
        lang = page_lang(site, browser)
        content = get_string("appid:invalid", NAME, lang=lang)
        return _alert(site, browser, "local_eduauth/popup.html", content=content, type="danger", url="", script="")
    if act == "getuser":
        return get_user(site, browser, token, appid)
    if act == "login":
        return await log_in(site, browser, params, token, appid, act)
    return empty_reply(browser, cors=True)  # any other act: the switch matches nothing
