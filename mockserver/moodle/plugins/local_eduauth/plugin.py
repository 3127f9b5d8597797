"""local_eduauth (center-for-learning-management/moodle-local_eduauth): app login through a browser."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import asdict
from typing import Any, ClassVar

from starlette.routing import BaseRoute, Route

from mockserver.admin.masking import shorten
from mockserver.moodle.plugins.interface import Masking, MoodlePlugin, Strings
from mockserver.moodle.plugins.local_eduauth import connect, lang, launch, login, logout
from mockserver.moodle.plugins.local_eduauth.common import NAME
from mockserver.moodle.plugins.local_eduauth.settings import LocalEduauthSettings
from mockserver.moodle.plugins.local_eduauth.tables import EduauthTables
from mockserver.world.tenant import Tenant


class LocalEduauth(MoodlePlugin[LocalEduauthSettings]):
    name = NAME
    settings_model = LocalEduauthSettings
    version = "2019091000"
    strings: ClassVar[Strings] = {"en": lang.EN, "es": lang.ES}
    # Core shortens token/wstoken parameters and quoted JSON values; JSON_NUMERIC_CHECK writes an
    # all-digit token as a bare number, which these rules catch.
    masking = Masking(
        text_rules=(re.compile(r'(?P<pre>"(?:token|wstoken)":)(?P<secret>[-+0-9.eE]{12,})'),),
    )

    def routes(self) -> Sequence[BaseRoute]:
        return [
            Route("/local/eduauth/login.php", login.login_php, methods=["GET", "POST"]),
            Route("/local/eduauth/connect.php", connect.connect_php, methods=["GET", "POST"]),
            Route("/local/eduauth/launch.php", launch.launch_php, methods=["GET", "POST"]),
            Route("/local/eduauth/logout.php", logout.logout_php, methods=["GET", "POST"]),
        ]

    def world_view(self, tenant: Tenant) -> Any:
        """The settings and the ``local_eduauth`` table; tokens shortened, each row's state named."""
        settings = tenant.scenario.plugin_settings(self.name)
        assert isinstance(settings, LocalEduauthSettings)
        if not settings.installed:
            return None
        table = tenant.store.plugin_state(self.name, EduauthTables)
        table.expire(tenant.clock.time(), settings.pending_lifetime)
        rows = []
        for row in table.rows():
            shown = asdict(row)
            shown["token"] = shorten(row.token)
            shown["state"] = "redeemed" if row.redeemed else "pending"
            rows.append(shown)
        return {"settings": settings.model_dump(mode="json"), "rows": rows}


PLUGIN = LocalEduauth()
