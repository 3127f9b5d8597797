"""The fuzz sessions: an app from a scenario, its driver, the valid values it knows, and the cases."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from hypothesis import strategies as st

from tests.fuzz import moodle, sence
from tests.fuzz.asgi import Case, Driver
from tests.fuzz.strategies import Context
from tests.fuzz.world import Writes, login_cookie, stable_view
from tests.harness import DEMO, build_app

VARIANTS: dict[str, dict[str, Any]] = {
    "demo": {},
    "strict": {
        "moodle": {"debug": "developer", "client_ip_header": "X-Forwarded-For", "lang": "es"},
        "plugins": {"auth_userkey": {"iprestriction": True, "createuser": True, "updateuser": True, "ssourl": "/sso"}},
        "sence": {"settings": {"multiple_errors": True}},
    },
}
"""Scenario variants the fuzz runs under: the demo as shipped, and one with every switch that opens
other code paths (debug output, a client-IP header, user creation/update, IP-restricted keys)."""


@dataclass
class Session:
    variant: str = "demo"
    driver: Driver = field(init=False)
    ctx: Context = field(init=False)
    initial: dict[str, Any] = field(init=False)
    """The world as the scenario builds it (what a reset must give back)."""
    before: dict[str, Any] = field(init=False)
    """The world when the fuzz starts (after the set-up's own login)."""
    writes: Writes = field(default_factory=Writes)

    def __post_init__(self) -> None:
        app = build_app(DEMO, VARIANTS[self.variant])
        self.driver = Driver(app)
        self.initial = stable_view(app.tenants.default)
        self.ctx = Context(vocab=moodle.world_vocab(app))
        self.ctx.cookies.append(login_cookie(self.driver))
        self.before = stable_view(app.tenants.default)

    def close(self) -> None:
        self.driver.close()


def moodle_cases(session: Session) -> st.SearchStrategy[Case]:
    ctx = session.ctx
    return st.one_of(moodle.page_cases(ctx), moodle.rest_cases(session.driver.app, ctx), moodle.token_php_cases(ctx))


def sence_cases(session: Session) -> st.SearchStrategy[Case]:
    return sence.sence_cases(session.ctx)
