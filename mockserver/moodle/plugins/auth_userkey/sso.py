"""auth_userkey's session flags and its SSO decisions (auth-userkey.md §6.1, §6.3).

The flags live in the plugin's part of ``$SESSION`` (``session.data["auth_userkey"]``):
``userkey`` (this session logged in with a key) and ``enrolkey_skipsso``.
"""

from __future__ import annotations

from mockserver.moodle.pages.params import PageParams
from mockserver.moodle.pages.session import BrowserSession
from mockserver.moodle.params import clean_bool
from mockserver.moodle.plugins.auth_userkey.settings import config
from mockserver.moodle.plugins.interface import plugin_session
from mockserver.moodle.site import Site
from mockserver.world.entities import User

NAME = "auth_userkey"


def login_with_key(browser: BrowserSession, user: User, key: str) -> bool:
    """login.php's ``complete_user_login`` with ``key`` used up and ``$SESSION->userkey = true``
    (one step of the store); False: another request took the key first."""
    return browser.login_with_key(user, key, {NAME: {"userkey": True}})


def logged_in_by_key(browser: BrowserSession) -> bool:
    return bool(plugin_session(browser, NAME).get("userkey"))


def should_login_redirect(site: Site, browser: BrowserSession, params: PageParams, *, clear_first: bool) -> bool:
    """``should_login_redirect()``; ``pre_loginpage_hook`` clears the remembered skip first."""
    state = plugin_session(browser, NAME)
    if clear_first:
        state["enrolkey_skipsso"] = False
    raw = params.raw("enrolkey_skipsso")
    skip = bool(clean_bool(raw)) if isinstance(raw, str) else False
    if state.get("enrolkey_skipsso"):
        return False
    state["enrolkey_skipsso"] = skip
    browser.save()
    return bool(config(site).ssourl) and not skip
