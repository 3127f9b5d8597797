"""The fake Drupal's tables, per tenant: accounts (editable), sessions, outcome counters.

Kept with ``Store.plugin_state("drupal", ...)`` so a tenant reset starts them again from the
scenario. Sessions are capped: the oldest go first.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets
from collections import OrderedDict
from dataclasses import dataclass, field

from mockserver.drupal.spec import DrupalScenario, OutcomeSpec

MAX_SESSIONS = 1000
STATE_NAME = "drupal"


@dataclass
class DrupalUser:
    uid: int
    name: str
    password: str
    mail: str
    status: bool
    language: str
    fields: dict[str, str]
    created: int
    changed: int


@dataclass
class DrupalSession:
    sid: str
    uid: int
    logout_token: str


@dataclass
class DrupalState:
    users: dict[int, DrupalUser]
    private_key: str = field(default_factory=lambda: secrets.token_hex(16))
    sessions: OrderedDict[str, DrupalSession] = field(default_factory=OrderedDict)
    fired: dict[int, int] = field(default_factory=dict)
    """Outcome index -> how many matching calls it has seen (for ``after`` and ``times``)."""

    @classmethod
    def from_spec(cls, spec: DrupalScenario, now: int) -> DrupalState:
        users = {
            u.uid: DrupalUser(u.uid, u.name, u.password, u.mail, u.status, u.language, dict(u.fields), now, now)
            for u in spec.users
        }
        return cls(users)

    def user_by_name(self, name: str) -> DrupalUser | None:
        """Drupal logs in by name case-insensitively."""
        folded = name.casefold()
        return next((u for u in self.users.values() if u.name.casefold() == folded), None)

    def open_session(self, uid: int) -> DrupalSession:
        """``drupal_session_regenerate()`` after a login: a fresh id."""
        session = DrupalSession(secrets.token_urlsafe(32), uid, secrets.token_urlsafe(32))
        self.sessions[session.sid] = session
        while len(self.sessions) > MAX_SESSIONS:
            self.sessions.popitem(last=False)
        return session

    def session(self, sid: str | None) -> DrupalSession | None:
        found = self.sessions.get(sid) if sid else None
        if found is not None and found.uid not in self.users:
            return None
        return found

    def close_session(self, sid: str) -> None:
        self.sessions.pop(sid, None)

    def csrf_token(self, sid: str | None) -> str:
        """``drupal_get_token('services')``: an HMAC of the session id (empty for anonymous)."""
        digest = hmac.new(self.private_key.encode(), f"services{sid or ''}".encode(), hashlib.sha256).digest()
        return base64.urlsafe_b64encode(digest).rstrip(b"=").decode("ascii")

    def take_outcome(self, outcomes: list[OutcomeSpec], call: str) -> OutcomeSpec | None:
        """The first scripted outcome for ``call`` that still fires; counts it."""
        for index, outcome in enumerate(outcomes):
            if outcome.call not in ("any", call):
                continue
            seen = self.fired.get(index, 0)
            if outcome.times is not None and seen >= outcome.after + outcome.times:
                continue
            self.fired[index] = seen + 1
            if seen < outcome.after:
                continue
            return outcome
        return None


def session_name(spec: DrupalScenario, base_url: str, host_and_base_path: str) -> str:
    """The session cookie's name: ``SESS``/``SSESS`` + sha256(<name base>)[:32].

    The base is ``$cookie_domain`` when set, else the site's base URL without its scheme (Drupal 7,
    port included) or host and base path (Drupal 8+, no port).
    """
    if spec.cookie_domain is not None:
        base = spec.cookie_domain
    elif spec.version == 7:
        base = base_url.split("://", 1)[-1]
    else:
        base = host_and_base_path
    prefix = "SSESS" if spec.https else "SESS"
    return prefix + hashlib.sha256(base.encode()).hexdigest()[:32]


def cookie_domain_attribute(spec: DrupalScenario) -> str | None:
    """The cookie's Domain attribute: only a domain with two dots beyond a leading one, never an IP
    (Drupal 7 ``drupal_settings_initialize``); otherwise a host-only cookie."""
    domain = spec.cookie_domain
    if not domain:
        return None
    host = domain.split("/", 1)[0].split(":", 1)[0]
    if len(host.split(".")) > 2 and not host.replace(".", "").isdigit():
        return host
    return None
