"""``/auth/userkey/login.php`` and ``/auth/userkey/logout.php`` (auth-userkey.md §5, §6.1)."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response

from mockserver.moodle.errors import CodingException, MoodleException
from mockserver.moodle.lang import get_string
from mockserver.moodle.net import address_in_subnet
from mockserver.moodle.pages.http import error_page, redirect
from mockserver.moodle.pages.params import PageParams
from mockserver.moodle.pages.session import BrowserSession
from mockserver.moodle.plugins.auth_userkey.settings import config
from mockserver.moodle.plugins.auth_userkey.sso import login_with_key
from mockserver.moodle.site import Site
from mockserver.world.entities import UserKey


def _plugin_disabled() -> MoodleException:
    # The plugin throws moodle_exception with the *text* as errorcode: rendered 'error/<text>'.
    return MoodleException(get_string("pluginisdisabled", "auth_userkey"), "error")


_LOGIN_USER_TYPEERROR = "core\\session\\manager::login_user(): Argument #1 ($user) must be of type stdClass, bool given"


def _key_param(params: PageParams) -> str:
    """``required_param('key', PARAM_ALPHANUM)``.

    An array goes through ``required_param_array``: nested arrays make ``clean_param`` throw a
    coding_exception; a flat array reaches the key query as the string ``Array`` (PostgreSQL's
    driver casts it), which matches no key.
    """
    raw = params.raw("key")
    if isinstance(raw, dict):
        if any(isinstance(item, dict) for item in raw.values()):
            raise CodingException("clean_param() can not process arrays, please use clean_param_array() instead.")
        return "Array"
    return str(params.required("key", "alphanum"))


def _validate_key(site: Site, value: str) -> UserKey:
    key = site.store.user_key(value)
    if key is None:
        raise MoodleException("invalidkey", "error")
    if config(site).key_consumed_on_any_attempt:
        site.store.delete_user_keys(key.userid)
    if key.validuntil and key.validuntil < site.clock.time():
        raise MoodleException("expiredkey", "error")
    if key.iprestriction:
        remote = site.client_ip
        if not remote:
            raise MoodleException("noip", "auth_userkey")
        allowed = address_in_subnet(remote, key.iprestriction) or any(
            address_in_subnet(remote, entry) for entry in config(site).ipwhitelist.split(";")
        )
        if not allowed:
            debuginfo = f"Remote address: {remote}\nKey IP: {key.iprestriction}"
            raise MoodleException("ipmismatch", "error", debuginfo=debuginfo)
    if site.store.user(key.userid) is None:
        raise MoodleException("invaliduserid", "error")
    return key


async def login_php(request: Request) -> Response:
    site = Site.of(request)
    browser = BrowserSession(site)
    try:
        if not site.auth_enabled("userkey"):
            raise _plugin_disabled()
        params = await PageParams.read(request, site)
        value = _key_param(params)
        default = site.wwwroot if config(site).default_redirect == "wwwroot" else "/"
        target = params.optional("wantsurl", "", "url") or default
        behaviour = config(site).logged_in_behaviour
        if behaviour == "redirect_without_validation" and browser.userid:
            return redirect(site, browser, target)  # the key is neither checked nor consumed (bug #35)
        try:
            key = _validate_key(site, value)
        except MoodleException:
            if behaviour == "current" and browser.userid:
                browser.logout()
            raise
    except MoodleException as error:
        return error_page(site, browser, error)
    user = site.store.user(key.userid)
    assert user is not None  # checked by _validate_key
    if behaviour == "current" and browser.userid:
        if browser.userid != user.id:
            browser.logout()
        else:
            site.store.delete_user_keys(user.id)
            return redirect(site, browser, target)
    # Another request (another worker) may take the key between the check and the take: it logs in,
    # this one is an unknown key, so a key logs in once under any concurrency (docs/stores.md).
    if user.deleted:
        if not site.store.consume_user_key(key.value):
            return error_page(site, browser, MoodleException("invalidkey", "error"))
        # get_complete_user_data() skips deleted users, so complete_user_login() gets false.
        return error_page(site, browser, MoodleException("generalexceptionmessage", "error", _LOGIN_USER_TYPEERROR))
    if not login_with_key(browser, user, key.value):  # the key taken, the user and session saved: one step
        return error_page(site, browser, MoodleException("invalidkey", "error"))
    return redirect(site, browser, target)


async def logout_php(request: Request) -> Response:
    site = Site.of(request)
    browser = BrowserSession(site)
    try:
        if not site.auth_enabled("userkey"):
            raise _plugin_disabled()
        params = await PageParams.read(request, site)
        return_type = "localurl" if config(site).logout_return_param == "localurl" else "url"
        target = params.required("return", return_type)
        user = browser.user
        if user is not None and user.auth != "userkey":
            raise MoodleException("incorrectlogout", "auth_userkey", link=site.wwwroot)
    except MoodleException as error:
        return error_page(site, browser, error)
    browser.logout()
    return redirect(site, browser, str(target))
