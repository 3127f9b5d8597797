"""The per-request view of one tenant's Moodle site: wwwroot, client IP, languages, debug."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache
from typing import Any, Generic, TypeVar, overload

from starlette.requests import Request

from mockserver.config import ServerConfig
from mockserver.edge import server_base
from mockserver.moodle.errors import DebugLevel, DebugSettings
from mockserver.moodle.lang import INSTALLED_LANGUAGES
from mockserver.moodle.net import getremoteaddr
from mockserver.moodle.params import ParamCleaner, clean_safedir
from mockserver.moodle.phpvalues import float_to_string
from mockserver.world.clock import Clock
from mockserver.world.spec import MoodleSettings, Scenario
from mockserver.world.store import Store
from mockserver.world.tenant import Tenant

CORE_AUTH = (
    "manual",
    "nologin",
    "email",
    "ldap",
    "cas",
    "oauth2",
    "shibboleth",
    "db",
    "lti",
    "mnet",
    "none",
    "webservice",
)
"""Auth plugins shipped with core; the emulated ones (mockserver/moodle/plugins) join them."""


T = TypeVar("T")


class cached(Generic[T]):
    """``cached_property`` without its lock (Python 3.11 takes an RLock on every first access):
    a Site lives for one request on one task."""

    def __init__(self, func: Callable[[Any], T]) -> None:
        self.func = func
        self.name = func.__name__
        self.__doc__ = func.__doc__

    @overload
    def __get__(self, instance: None, owner: type[Any]) -> cached[T]: ...
    @overload
    def __get__(self, instance: object, owner: type[Any]) -> T: ...
    def __get__(self, instance: object | None, owner: type[Any]) -> T | cached[T]:
        if instance is None:
            return self
        value = self.func(instance)
        instance.__dict__[self.name] = value
        return value


def public_base(request: Request, config: ServerConfig) -> str:
    """Scheme and host the outside world uses to reach this server (no trailing slash); never
    from the request's Host header (``mockserver.edge``)."""
    return server_base(request.scope, config)


@lru_cache(maxsize=256)
def _cleaner(wwwroot: str, extended_username_chars: bool) -> ParamCleaner:
    from mockserver.moodle.plugins.registry import auth_plugin_names  # plugins import this module

    return ParamCleaner(
        wwwroot=wwwroot,
        languages=INSTALLED_LANGUAGES,
        auth_plugins=CORE_AUTH + auth_plugin_names(),
        extended_username_chars=extended_username_chars,
    )


@lru_cache(maxsize=16)
def _debug_settings(level: str, display: bool) -> DebugSettings:
    """One object per setting pair (never changed once made: nothing assigns to its fields)."""
    return DebugSettings(DebugLevel(level), display)


def _header(request: Request, name: bytes) -> str | None:
    """``request.headers.get(...)`` of a lower-case name without building the headers object."""
    for key, value in request.scope["headers"]:
        if key == name:
            return str(value.decode("latin-1"))
    return None


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
    def store(self) -> Store:
        return self.tenant.store

    @property
    def clock(self) -> Clock:
        return self.tenant.clock

    @cached
    def wwwroot(self) -> str:
        if self.cfg.wwwroot:
            return self.cfg.wwwroot.rstrip("/")
        return public_base(self.request, self.config) + self.tenant.prefix

    @cached
    def client_ip(self) -> str | None:
        return getremoteaddr(self.request, self.cfg.client_ip_header)

    @cached
    def cleaner(self) -> ParamCleaner:
        """Cleaners depend only on the wwwroot and one setting: shared across requests."""
        return _cleaner(self.wwwroot, self.cfg.extendedusernamechars)

    @cached
    def debug(self) -> DebugSettings:
        return _debug_settings(self.cfg.debug, self.cfg.debugdisplay)

    def auth_enabled(self, plugin: str) -> bool:
        return plugin in ("manual", "nologin") or plugin in self.cfg.auth

    def site_lang(self) -> str:
        return self.cfg.lang if self.cfg.lang in INSTALLED_LANGUAGES else "en"

    def browser_lang(self) -> str | None:
        """``setup_lang_from_browser()``: the first installed language of Accept-Language.

        Core's own parsing: entries without ``q`` get 1.0, 0.99, 0.98...; an entry with ``;``
        takes the text after its first ``=`` as its key, so entries with the same weight
        overwrite each other (the later one wins); keys sort numerically, highest first; each
        tag has ``-`` turned into ``_``, is cleaned with PARAM_SAFEDIR and lower-cased, and must
        be an installed pack exactly (``es_es`` is not ``es``).
        """
        if not self.cfg.autolang:
            return None
        header = _header(self.request, b"accept-language")
        if header is None:
            return None
        langs: dict[str, str] = {}
        order = 100
        for entry in header.replace("-", "_").split(","):
            if ";" not in entry:
                langs[float_to_string(order / 100)] = entry
                order -= 1
            else:
                tag, weight = entry.split(";")[:2]
                equals = weight.find("=")
                langs[weight[equals + 1 :] if equals >= 0 else weight[1:]] = tag
        ranked = sorted(langs.items(), key=lambda item: -_php_number(item[0]))
        for _, tag in ranked:
            lang = clean_safedir(tag).lower()
            if lang in INSTALLED_LANGUAGES:
                return lang
        return None

    def url_lang(self, get: dict[str, object], post: dict[str, object]) -> str | None:
        """``?lang=xx`` (setup.php): read only when GET has it, POST winning; installed packs only."""
        if "lang" not in get:
            return None
        value = post.get("lang", get["lang"])
        if not isinstance(value, str):
            return None
        lang = clean_safedir(value)
        return lang if lang in INSTALLED_LANGUAGES else None


def _php_number(text: str) -> float:
    """A string as PHP's SORT_NUMERIC sees it (leading numeric part, else 0)."""
    match = re.match(r"[ \t\n\r\v\f]*[+-]?([0-9]+(\.[0-9]*)?|\.[0-9]+)([eE][+-]?[0-9]+)?", text)
    return float(match.group(0)) if match else 0.0
