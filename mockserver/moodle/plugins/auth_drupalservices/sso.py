"""``loginpage_hook`` and ``logoutpage_hook`` (eduauth-and-drupal.md §2.2, §2.4).

1. ``?sso=no``: log the cookie's session out of Drupal, then the local login form. A ``username``
   parameter: the local form. No Drupal cookie: redirect to Drupal's login (or ``duallogin.php``).
2. Cookie: CSRF token, then who-am-I. No 200 (error, timeout, Drupal down): a logged-in Moodle
   session is logged out, and the login form shows.
3. ``uid < 1`` (anonymous) or already logged in to Moodle: the login form.
4. Drupal 7: fetch the full account; create or update the Moodle user (idnumber = uid), log in,
   go to wantsurl or ``<wwwroot>/``.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

from starlette.responses import Response

from mockserver.moodle.errors import MoodleException
from mockserver.moodle.pages.http import error_page, redirect
from mockserver.moodle.plugins.auth_drupalservices.cookies import DrupalSession, detect, drupal_session, php_cookies
from mockserver.moodle.plugins.auth_drupalservices.remote import LOGOUT_TIMEOUT, RemoteAPI
from mockserver.moodle.plugins.auth_drupalservices.settings import AuthDrupalservicesSettings, config
from mockserver.moodle.plugins.auth_drupalservices.users import (
    WriteError,
    create_update_user,
    d8_extract,
    php_str,
    uid_below_one,
)
from mockserver.moodle.plugins.interface import HookPage
from mockserver.moodle.site import Site

DUALLOGIN = "/auth/drupalservices/duallogin.php"
_LOGIN_USER_TYPEERROR = "core\\session\\manager::login_user(): Argument #1 ($user) must be of type stdClass, bool given"


def host_uri(site: Site, settings: AuthDrupalservicesSettings) -> str:
    """``host_uri``; empty: the fake Drupal of ``mockserver serve --drupal-port`` when one runs."""
    if settings.host_uri:
        return settings.host_uri
    fake: str | None = getattr(site.request.app.state, "drupal_url", None)
    return fake or ""


def _session(site: Site, settings: AuthDrupalservicesSettings) -> tuple[str, DrupalSession | None]:
    """The Drupal host and the browser's Drupal session (``get_drupal_session``), autodetected if asked."""
    cookies = php_cookies(site.request.headers.get("cookie", ""))
    host = host_uri(site, settings)
    if settings.cookiedomain is None and settings.autodetect:
        found = detect(cookies, host)
        if found is not None:
            return found[0], found[2]
    return host, drupal_session(cookies, host, settings.cookiedomain)


def _drupal_login_url(page: HookPage, settings: AuthDrupalservicesSettings, host: str) -> str | None:
    """Where a visitor without a Drupal cookie goes; None: stay on the login form (master, cannod 3.x
    without a wantsurl)."""
    site, session = page.site, page.browser.session
    wantsurl = session.wantsurl
    if settings.login_redirect == "vfremaux":
        target = site.wwwroot
        if wantsurl and "duallogin.php" not in wantsurl:
            target = wantsurl
            session.wantsurl = ""
    elif wantsurl:
        target = wantsurl
        session.wantsurl = ""
    else:
        return None
    page.browser.save()
    parts = urlsplit(target)
    path = parts.path.lstrip("/")
    args = f"?{parts.query}" if parts.query else ""
    if settings.login_redirect == "cannod3":
        return f"{host}/user/login?moodleurl=http://{site.request.headers.get('host', '')}/{path}{args}"
    return f"{host}/user/login?moodle_url=true&destination={path}{args}"


def _who(reply_data: Any, version: int) -> dict[str, Any] | None:
    """``Connect()``'s value: D7 the decoded answer (``{"sessid", "session_name", "user"}``); D8 element 0
    of the list, flattened, as ``user``."""
    if version < 8:
        return reply_data if isinstance(reply_data, dict) else ({} if reply_data is not None else None)
    first = reply_data[0] if isinstance(reply_data, list) and reply_data else None
    return {"user": d8_extract(first)}


async def loginpage_hook(page: HookPage) -> Response | None:
    site, browser = page.site, page.browser
    settings = config(site)
    sso = page.params.optional("sso", "", "text")
    host, session = _session(site, settings)
    if sso == "no":
        if session is not None:
            await RemoteAPI(site, host, settings.drupalversion, session, LOGOUT_TIMEOUT).logout()
        return None
    if page.params.raw("username") is not None:
        return None
    if session is None:
        if not settings.duallogin or sso == "drupal":
            url = _drupal_login_url(page, settings, host)
            return redirect(site, browser, url) if url is not None else None
        return redirect(site, browser, f"{site.wwwroot}{DUALLOGIN}")
    api = RemoteAPI(site, host, settings.drupalversion, session, settings.timeout)
    reply = await api.connect()
    who = _who(reply.data, settings.drupalversion) if reply.status == 200 else None
    if who is None:
        if browser.is_real_user:
            browser.logout()  # logged out of Drupal but still in Moodle: require_logout()
        return None
    user_part = who.get("user")
    uid = php_str(user_part.get("uid")) if isinstance(user_part, dict) else ""
    if uid_below_one(uid) or browser.is_real_user:
        return None
    if settings.drupalversion < 8:
        full = await api.user(uid)
        account = full.data if isinstance(full.data, dict) else {}
        account_uid = php_str(account.get("uid"))
    else:
        account = user_part if isinstance(user_part, dict) else {}
        account_uid = uid
    try:
        created = create_update_user(site, settings, account, account_uid)
    except WriteError:
        return error_page(site, browser, MoodleException("dmlwriteexception", "error"))
    if created is None:
        return None
    found = [u for u in site.store.find_users("idnumber", uid) if not u.deleted]
    if not found:
        return error_page(site, browser, MoodleException("generalexceptionmessage", "error", _LOGIN_USER_TYPEERROR))
    wantsurl = browser.session.wantsurl
    browser.login(found[0])
    # strpos($SESSION->wantsurl, $CFG->wwwroot) == 0 is also true when wwwroot is absent (false == 0).
    return redirect(site, browser, wantsurl or f"{site.wwwroot}/")


async def logoutpage_hook(page: HookPage, target: str) -> str:
    """Log out of Drupal too (``call_logout_service``); with dual login, back to ``duallogin.php``."""
    site = page.site
    settings = config(site)
    host, session = _session(site, settings)
    if session is not None and settings.call_logout_service:
        await RemoteAPI(site, host, settings.drupalversion, session, LOGOUT_TIMEOUT).logout()
        if not settings.duallogin:
            return target
    if settings.duallogin:
        return f"{site.wwwroot}{DUALLOGIN}"
    return target
