"""auth_userkey (catalyst/moodle-auth_userkey): log in with a one-time key minted over web services."""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import ClassVar

from starlette.responses import Response
from starlette.routing import BaseRoute, Route

from mockserver.moodle.pages.http import redirect
from mockserver.moodle.plugins.auth_userkey import lang, pages
from mockserver.moodle.plugins.auth_userkey.settings import AuthUserkeySettings, config
from mockserver.moodle.plugins.auth_userkey.sso import logged_in_by_key, should_login_redirect
from mockserver.moodle.plugins.interface import HookPage, Masking, MoodlePlugin, Strings


class AuthUserkey(MoodlePlugin[AuthUserkeySettings]):
    name = "auth_userkey"
    settings_model = AuthUserkeySettings
    version = "2022081901"
    strings: ClassVar[Strings] = {"en": lang.EN}
    # login.php?key=<32 hex> in requests, Location headers and the WS answer's loginurl.
    masking = Masking(
        shorten=frozenset({"key"}),
        text_rules=(re.compile(r"(?P<pre>[?&;]key=)(?P<secret>[0-9A-Za-z]{12,})"),),
    )

    def routes(self) -> Sequence[BaseRoute]:
        return [
            Route("/auth/userkey/login.php", pages.login_php, methods=["GET", "POST"]),
            Route("/auth/userkey/logout.php", pages.logout_php, methods=["GET", "POST"]),
        ]

    async def pre_loginpage_hook(self, page: HookPage) -> Response | None:
        """Deep links bounce to ``ssourl`` unless this very request has ``enrolkey_skipsso``."""
        if should_login_redirect(page.site, page.browser, page.params, clear_first=True):
            return redirect(page.site, page.browser, config(page.site).ssourl)
        return None

    async def loginpage_hook(self, page: HookPage) -> Response | None:
        if should_login_redirect(page.site, page.browser, page.params, clear_first=False):
            return redirect(page.site, page.browser, config(page.site).ssourl)
        return None

    async def logoutpage_hook(self, page: HookPage, redirect: str) -> str:
        """A session that logged in with a key goes to ``redirecturl`` when one is set."""
        settings = config(page.site)
        if logged_in_by_key(page.browser) and settings.redirecturl:
            return settings.redirecturl
        return redirect


PLUGIN = AuthUserkey()
