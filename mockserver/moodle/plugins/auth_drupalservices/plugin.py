"""auth_drupalservices (cannod/moodle-drupalservices, vfremaux/moodle-auth_drupalservices): Drupal SSO."""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any, ClassVar

from starlette.responses import Response
from starlette.routing import BaseRoute, Route

from mockserver.moodle.plugins.auth_drupalservices import lang, pages, sso
from mockserver.moodle.plugins.auth_drupalservices.settings import AuthDrupalservicesSettings
from mockserver.moodle.plugins.interface import HookPage, Masking, MoodlePlugin, Strings

if TYPE_CHECKING:
    from mockserver.world.tenant import Tenant


class AuthDrupalservices(MoodlePlugin[AuthDrupalservicesSettings]):
    name = "auth_drupalservices"
    settings_model = AuthDrupalservicesSettings
    version = "2025022100"
    strings: ClassVar[Strings] = {"en": lang.EN}
    # Drupal session ids travel in cookies, never in URLs; a session name in a Location is not secret.
    masking = Masking(text_rules=(re.compile(r"(?P<pre>\bS?SESS[0-9a-f]{32}=)(?P<secret>[A-Za-z0-9_-]{12,})"),))

    def routes(self) -> Sequence[BaseRoute]:
        return [Route("/auth/drupalservices/duallogin.php", pages.duallogin_php, methods=["GET", "POST"])]

    def world_view(self, tenant: Tenant) -> Any:
        """The settings and the Moodle users the plugin created or updated (idnumber = Drupal uid)."""
        settings = tenant.scenario.plugin_settings(self.name)
        synced = [
            {"id": u.id, "username": u.username, "idnumber": u.idnumber, "suspended": u.suspended}
            for u in tenant.store.find_users("auth", "drupalservices")  # indexed: no walk of every user
        ]
        return {"settings": settings.model_dump(mode="json"), "users": synced}

    async def loginpage_hook(self, page: HookPage) -> Response | None:
        return await sso.loginpage_hook(page)

    async def logoutpage_hook(self, page: HookPage, redirect: str) -> str:
        return await sso.logoutpage_hook(page, redirect)


PLUGIN = AuthDrupalservices()
