"""What every local_eduauth page shares: its headers, its table, the page URL it sets, ``check_token``."""

from __future__ import annotations

from typing import Any
from urllib.parse import parse_qsl, quote, urlsplit

from starlette.responses import PlainTextResponse, Response

from mockserver.moodle.pages.http import redirect
from mockserver.moodle.pages.session import BrowserSession
from mockserver.moodle.plugins.local_eduauth.phpnumeric import encode_numeric_check
from mockserver.moodle.plugins.local_eduauth.settings import config
from mockserver.moodle.plugins.local_eduauth.tables import EduauthTables
from mockserver.moodle.site import Site
from mockserver.world.entities import GUEST_USER_ID

NAME = "local_eduauth"
PHP_DEFAULT_TYPE = "text/html; charset=UTF-8"
"""The scripts set no Content-Type: PHP's default applies, JSON replies included."""
CORS = {"Access-Control-Allow-Origin": "*"}
"""login.php and connect.php send it first thing; launch.php and logout.php do not."""


def tables(site: Site) -> EduauthTables:
    """This site's rows, with expired pending logins dropped first."""
    state = site.store.plugin_state(NAME, EduauthTables)
    state.expire(site.clock.time(), config(site).pending_lifetime)
    return state


def not_installed() -> Response:
    """The plugin's folder is absent: the web server's 404, as for any missing file."""
    return PlainTextResponse("Not Found", status_code=404)


def with_headers(response: Response, headers: dict[str, str]) -> Response:
    for name, value in headers.items():
        response.headers[name] = value
    return response


def json_reply(value: Any, browser: BrowserSession | None, *, cors: bool) -> Response:
    """``echo json_encode($reply, JSON_NUMERIC_CHECK)`` under PHP's default Content-Type."""
    headers = {"Content-Type": PHP_DEFAULT_TYPE, **(CORS if cors else {})}
    response = Response(encode_numeric_check(value), headers=headers)
    return browser.apply_cookie(response) if browser is not None else response


def empty_reply(browser: BrowserSession, *, cors: bool) -> Response:
    """A script that prints nothing."""
    response = Response(b"", headers={"Content-Type": PHP_DEFAULT_TYPE, **(CORS if cors else {})})
    return browser.apply_cookie(response)


def page_url(site: Site, path: str, query: str) -> str:
    """``$PAGE->set_url('<path>?' . <concatenated params>)`` read back as ``moodle_url::out(false)``.

    The query was built by string concatenation, so a value holding ``&`` or ``#`` splits it;
    ``parse_str`` decodes it (``+`` is a space, the last duplicate wins) and ``out()`` writes each
    value with ``rawurlencode``.
    """
    parts = urlsplit(f"{site.wwwroot}{path}?{query}")
    params = dict(parse_qsl(parts.query, keep_blank_values=True))
    encoded = "&".join(f"{quote(k, safe='')}={quote(v, safe='')}" for k, v in params.items() if k)
    url = f"{site.wwwroot}{path}" + (f"?{encoded}" if encoded else "")
    return url + (f"#{parts.fragment}" if parts.fragment else "")


def check_token(
    site: Site, browser: BrowserSession, userid: int, token: str, appid: str, again: str
) -> Response | bool:
    """``local_eduauth_lib::check_token``: a Response when another user was logged out first.

    The row is looked up by (appid, userid, token); ``redeemed`` is not checked, so a token stays
    valid for connect.php and launch.php forever. The user is logged in unless missing, guest or
    unconfirmed; check_token() still answers true for those (user_login() returns quietly).
    """
    if browser.is_real_user and browser.userid != userid:
        browser.logout()
        return redirect(site, browser, again)
    rows = tables(site)
    row = rows.find(userid, token, appid)
    if row is None or not row.userid or row.userid != userid:
        return False
    rows.touch(row, site.clock.time())
    user = site.store.user(userid)
    if user is not None and user.id != GUEST_USER_ID and user.confirmed and browser.userid != userid:
        browser.login(user)
    return True
