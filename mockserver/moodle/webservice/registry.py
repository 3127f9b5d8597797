"""External functions known to the emulated site."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from mockserver.moodle.site import Site
from mockserver.moodle.webservice.description import Description, Single
from mockserver.world.entities import Service, Token, User


@dataclass
class Call:
    """One authenticated call: who is calling, through which token and service."""

    site: Site
    user: User
    token: Token
    service: Service
    lang: str = "en"
    """``current_language()`` while the function runs."""
    raw: bool = False
    """``moodlewssettingraw``: text is returned without ``format_string``."""


@dataclass(frozen=True)
class ExternalFunction:
    name: str
    component: str
    parameters: Callable[[Site], Single]
    returns: Description | None
    execute: Callable[[Call, dict[str, Any]], Any]
    returns_for: Callable[[Site], Description | None] | None = None
    """When the return description depends on the site's settings (version switches)."""

    def return_description(self, site: Site) -> Description | None:
        return self.returns_for(site) if self.returns_for is not None else self.returns


def registry() -> dict[str, ExternalFunction]:
    from mockserver.moodle.functions import auth_userkey, core_webservice

    functions = [auth_userkey.REQUEST_LOGIN_URL, core_webservice.GET_SITE_INFO]
    return {f.name: f for f in functions}
