"""The per-request view of one tenant's Moodle site: wwwroot, client IP, languages, debug."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property

from starlette.requests import Request

from mockserver.config import ServerConfig
from mockserver.moodle.errors import DebugLevel, DebugSettings
from mockserver.moodle.lang import INSTALLED_LANGUAGES
from mockserver.moodle.net import getremoteaddr
from mockserver.moodle.params import ParamCleaner
from mockserver.world.clock import Clock
from mockserver.world.spec import AuthUserkeySettings, MoodleSettings, Scenario
from mockserver.world.store import Store
from mockserver.world.tenant import Tenant

INSTALLED_AUTH = ("manual", "nologin", "email", "userkey", "ldap", "cas", "oauth2", "shibboleth", "db", "lti")


def public_base(request: Request, config: ServerConfig) -> str:
    """Scheme and host the outside world uses to reach this server (no trailing slash)."""
    if config.public_url:
        return config.public_url.rstrip("/")
    return f"{request.url.scheme}://{request.url.netloc}"


def tenant_of(request: Request) -> Tenant:
    tenant: Tenant = request.scope["state"]["tenant"]
    return tenant


@dataclass
class Site:
    request: Request
    tenant: Tenant
    config: ServerConfig

    @classmethod
    def of(cls, request: Request) -> Site:
        return cls(request, tenant_of(request), request.app.state.config)

    @property
    def scenario(self) -> Scenario:
        return self.tenant.scenario

    @property
    def cfg(self) -> MoodleSettings:
        return self.tenant.scenario.moodle

    @property
    def userkey(self) -> AuthUserkeySettings:
        return self.tenant.scenario.auth_userkey

    @property
    def store(self) -> Store:
        return self.tenant.store

    @property
    def clock(self) -> Clock:
        return self.tenant.clock

    @cached_property
    def wwwroot(self) -> str:
        if self.cfg.wwwroot:
            return self.cfg.wwwroot.rstrip("/")
        return public_base(self.request, self.config) + self.tenant.prefix

    @cached_property
    def client_ip(self) -> str | None:
        return getremoteaddr(self.request, self.cfg.client_ip_header)

    @cached_property
    def cleaner(self) -> ParamCleaner:
        return ParamCleaner(wwwroot=self.wwwroot, languages=INSTALLED_LANGUAGES, auth_plugins=INSTALLED_AUTH)

    @property
    def debug(self) -> DebugSettings:
        return DebugSettings(DebugLevel(self.cfg.debug), self.cfg.debugdisplay)

    def auth_enabled(self, plugin: str) -> bool:
        return plugin in ("manual", "nologin") or plugin in self.cfg.auth

    def site_lang(self) -> str:
        return self.cfg.lang if self.cfg.lang in INSTALLED_LANGUAGES else "en"

    def browser_lang(self) -> str | None:
        """``setup_lang_from_browser``: the first installed language of Accept-Language by q."""
        if not self.cfg.autolang:
            return None
        header = self.request.headers.get("accept-language", "")
        ranked: list[tuple[float, int, str]] = []
        for position, part in enumerate(header.split(",")):
            tag, _, params = part.strip().partition(";")
            quality = 1.0
            if params.strip().startswith("q="):
                try:
                    quality = float(params.strip()[2:])
                except ValueError:
                    quality = 0.0
            ranked.append((-quality, position, tag.strip().lower().replace("-", "_")))
        for _, _, tag in sorted(ranked):
            if tag in INSTALLED_LANGUAGES:
                return tag
        return None
