"""The per-request view of the fake Drupal: the tenant's scenario section, tables, base URL, session."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any, TypeVar
from urllib.parse import parse_qsl, urlsplit

from starlette.requests import Request
from starlette.responses import Response

from mockserver.bodies import read_capped
from mockserver.config import ServerConfig
from mockserver.drupal.spec import DrupalScenario
from mockserver.drupal.state import (
    STATE_NAME,
    DrupalSession,
    DrupalState,
    DrupalUser,
    cookie_domain_attribute,
    session_name,
)
from mockserver.edge import server_base
from mockserver.world.tenant import Tenant

R = TypeVar("R", bound=Response)

MAX_BODY = 64 * 1024
"""Drupal's forms and API calls are small; a larger body is cut off (never read whole)."""


@dataclass
class DrupalSite:
    request: Request
    tenant: Tenant
    config: ServerConfig

    @classmethod
    def of(cls, request: Request) -> DrupalSite:
        return cls(request, request.scope["state"]["tenant"], request.app.state.config)

    @property
    def spec(self) -> DrupalScenario:
        spec: DrupalScenario = self.tenant.scenario.drupal
        return spec

    @property
    def state(self) -> DrupalState:
        spec, now = self.spec, int(self.tenant.clock.time())
        return self.tenant.store.plugin_state(STATE_NAME, lambda: DrupalState.from_spec(spec, now))

    @property
    def base_url(self) -> str:
        """``$base_url``: this port's public URL (``--drupal-port``) or the request's server, plus the tenant."""
        public: str | None = getattr(self.request.app.state, "drupal_url", None)
        base = public or server_base(self.request.scope, ServerConfig())
        root: str = self.request.scope.get("root_path", "")
        return base.rstrip("/") + root

    @property
    def moodle_url(self) -> str:
        if self.spec.moodle_url:
            return self.spec.moodle_url.rstrip("/")
        if self.tenant.scenario.moodle.wwwroot:
            return self.tenant.scenario.moodle.wwwroot.rstrip("/")
        moodle: str | None = getattr(self.request.app.state, "moodle_url", None)
        root: str = self.request.scope.get("root_path", "")
        return (moodle or "http://127.0.0.1:8000").rstrip("/") + root

    @property
    def session_name(self) -> str:
        parts = urlsplit(self.base_url)
        return session_name(self.spec, self.base_url, (parts.hostname or "") + parts.path.rstrip("/"))

    @property
    def session(self) -> DrupalSession | None:
        """The session the browser's cookie names, if it is a live one."""
        return self.state.session(self.request.cookies.get(self.session_name))

    @property
    def user(self) -> DrupalUser | None:
        session = self.session
        return self.state.users.get(session.uid) if session is not None else None

    def with_session_cookie(self, response: R, sid: str, *, clear: bool = False) -> R:
        """``response`` with the session's ``Set-Cookie`` (or its deletion) on the configured cookie domain."""
        cookie = f"{self.session_name}={'deleted' if clear else sid}; path=/"
        cookie += "; expires=Thu, 01 Jan 1970 00:00:01 GMT; Max-Age=0" if clear else "; Max-Age=2000000"
        domain = cookie_domain_attribute(self.spec)
        if domain:
            cookie += f"; domain={domain}"
        if self.spec.https:
            cookie += "; secure"
        response.raw_headers.append((b"set-cookie", (cookie + "; HttpOnly").encode("latin-1")))
        return response


async def read_body(request: Request) -> dict[str, Any]:
    """A form or JSON body as a flat dict; anything unreadable is an empty dict (never an error)."""
    raw = await read_capped(request, MAX_BODY)
    if raw is None:
        return {}
    kind = request.headers.get("content-type", "").split(";", 1)[0].strip().lower()
    if kind == "application/json":
        try:
            value = json.loads(raw.decode("utf-8", "replace") or "null")
        except ValueError:
            return {}
        return value if isinstance(value, dict) else {}
    return dict(parse_qsl(raw.decode("utf-8", "replace"), keep_blank_values=True))
