"""The fuzz sessions: an app from a scenario, its driver, the valid values it knows, and the cases."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from hypothesis import strategies as st

from tests.fuzz import admin, moodle, sence
from tests.fuzz.asgi import Case, Driver
from tests.fuzz.strategies import Context
from tests.fuzz.world import (
    Writes,
    assert_world_kept,
    harness,
    login_cookie,
    moodle_flow,
    read_backs_work,
    reset_gives_the_scenario,
    sence_flow,
    stable_view,
)
from tests.harness import DEMO, Harness, build_app

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


def moodle_cases(session: Session) -> list[st.SearchStrategy[Case]]:
    ctx = session.ctx
    return [*moodle.page_cases(ctx), *moodle.rest_cases(session.driver.app, ctx), moodle.token_php_cases(ctx)]


def sence_cases(session: Session) -> list[st.SearchStrategy[Case]]:
    return sence.sence_cases(session.ctx)


@dataclass(frozen=True)
class Surface:
    """A protocol surface: its cases, its share of a short run, its seed and the demo flow that must
    still work after it."""

    cases: Callable[[Session], list[st.SearchStrategy[Case]]]
    examples: int
    seed: int
    flow: Callable[[Harness], None]


SURFACES = {
    "moodle": Surface(moodle_cases, examples=300, seed=1, flow=moodle_flow),
    "sence": Surface(sence_cases, examples=250, seed=2, flow=sence_flow),
}


def check_after_fuzz(session: Session, surface: Surface) -> None:
    """The invariants after a surface's fuzz: untouched tables as before, read-backs answer, the demo
    flow works, and a reset gives back exactly the scenario's world (where the flow works again)."""
    assert_world_kept(session.before, stable_view(session.driver.app.tenants.default), session.writes)
    read_backs_work(session.driver)
    if not session.writes.users:  # a fuzzed rename or suspension may legitimately break the flow's user
        surface.flow(harness(session.driver))
    reset_gives_the_scenario(session.driver, session.initial)
    surface.flow(harness(session.driver))


MAX_EXTRA_TENANTS = 12
"""Tenants the fuzz's own POST /tenants may leave behind before the run removes them (each holds a world)."""


@dataclass
class AdminSession:
    """The admin API under fuzz: its cases target the tenant ``fuzz`` (re-created when a case deletes
    it), unknown names and the server-wide faults; the default tenant is the witness left alone."""

    session: Session = field(default_factory=Session)

    def __post_init__(self) -> None:
        self.ensure_tenant()

    @property
    def driver(self) -> Driver:
        return self.session.driver

    def ensure_tenant(self) -> None:
        state = self.driver.app.admin
        if self.driver.app.tenants.get(admin.FUZZ_TENANT) is None:
            response = self.driver.http("POST", "/__mock/tenants", json={"name": admin.FUZZ_TENANT})
            assert response.status_code == 201, response.text
        extra = [t.name for t in state.tenants.all() if t.name not in ("default", admin.FUZZ_TENANT)]
        for name in extra[: max(0, len(extra) - MAX_EXTRA_TENANTS)]:
            state.delete(name)

    def close(self) -> None:
        self.session.close()
