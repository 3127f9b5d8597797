"""The world of a tenant as plain JSON: users, courses, tokens, login keys, sessions, SENCE state and
each plugin's section.

Admin views show full tokens and keys (the admin API is protected); passwords never leave.

Large worlds are shown a page at a time (``Page``: users, courses, login keys and each course's
enrolments; the sessions of the users on the page), so building the view costs the same for a
world of 100,000 users as for the demo and never holds the event loop for long.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any, TypeVar

from mockserver.admin.masking import shorten
from mockserver.world.clock import Clock
from mockserver.world.entities import Enrolment, User
from mockserver.world.tenant import Tenant

PAGE_SIZE = 1000
PAGE_MAX = 10_000
T = TypeVar("T")


@dataclass(frozen=True)
class Page:
    """``offset``/``limit`` of the listed collections (each course's enrolments: the first ``limit``)."""

    offset: int = 0
    limit: int = PAGE_SIZE

    def of(self, items: Sequence[T]) -> list[T]:
        return list(items[self.offset : self.offset + self.limit])


def iso(timestamp: float | None) -> str | None:
    if timestamp is None:
        return None
    return datetime.fromtimestamp(timestamp, tz=UTC).isoformat(timespec="seconds")


def clock_view(clock: Clock) -> dict[str, Any]:
    now = clock.now()
    return {"now": round(now, 3), "time": int(now), "iso": iso(now), "frozen": clock.frozen}


_HIDDEN_USER_FIELDS = ("password", "capabilities", "profile", "preferences")


def _users_on(tenant: Tenant, page: Page) -> list[User]:
    """The page's users (looked up by id: a page costs a page, whatever the world's size)."""
    found = (tenant.store.user(uid) for uid in page.of(tenant.store.user_ids()))
    return [u for u in found if u is not None]


def users_view(tenant: Tenant, page: Page = Page()) -> list[dict[str, Any]]:
    """Every stored user column but the password (capabilities as a sorted list), one page."""
    result = []
    for user in _users_on(tenant, page):
        row = {f.name: getattr(user, f.name) for f in dataclasses.fields(user) if f.name not in _HIDDEN_USER_FIELDS}
        row["fullname"] = user.fullname
        row["capabilities"] = sorted(user.capabilities)
        row["profile"] = dict(user.profile)
        row["preferences"] = dict(user.preferences)
        result.append(row)
    return result


def categories_view(tenant: Tenant) -> list[dict[str, Any]]:
    return [dataclasses.asdict(c) for c in tenant.store.categories()]


def _username(tenant: Tenant, userid: int) -> str | None:
    user = tenant.store.user(userid)
    return user.username if user else None


def _enrolment_row(tenant: Tenant, enrolment: Enrolment) -> dict[str, Any]:
    row = dataclasses.asdict(enrolment)
    row["completed_activities"] = sorted(enrolment.completed_activities)
    row.pop("courseid")
    return {"user": _username(tenant, enrolment.userid), **row}


def courses_view(tenant: Tenant, page: Page = Page()) -> list[dict[str, Any]]:
    """Every stored course column, with its enrolments (user, role, status, dates, completion) up
    to the page's limit, and their count (``enrolled_total``); one page of courses."""
    result = []
    for course in (c for c in map(tenant.store.course, page.of(tenant.store.course_ids())) if c is not None):
        row = dataclasses.asdict(course)
        enrolments = tenant.store.enrolments_of_course(course.id, page.limit)
        row["enrolled"] = [_enrolment_row(tenant, e) for e in enrolments]
        row["enrolled_total"] = tenant.store.enrolment_count(course.id)
        result.append(row)
    return result


def tokens_view(tenant: Tenant) -> list[dict[str, Any]]:
    store = tenant.store
    result = []
    for token in store.tokens():
        service = store.service(token.serviceid)
        result.append(
            {
                "token": token.token,
                "user": _username(tenant, token.userid),
                "service": service.name if service else None,
                "validuntil": token.validuntil,
                "iprestriction": token.iprestriction,
            }
        )
    return result


def keys_view(tenant: Tenant, *, live_only: bool = False, page: Page | None = None) -> list[dict[str, Any]]:
    """auth_userkey login keys with their expiry on the tenant's clock (one page when given)."""
    now = tenant.clock.now()
    result = []
    keys = [k for k in tenant.store.user_keys() if k.validuntil > now] if live_only else tenant.store.user_keys()
    for key in page.of(keys) if page is not None else keys:
        live = key.validuntil > now
        result.append(
            {
                "key": key.value,
                "short": shorten(key.value),
                "user": _username(tenant, key.userid),
                "userid": key.userid,
                "created": key.timecreated,
                "validuntil": key.validuntil,
                "validuntil_iso": iso(key.validuntil),
                "expires_in": round(key.validuntil - now, 3),
                "live": live,
                "iprestriction": key.iprestriction,
            }
        )
    return result


def sessions_view(tenant: Tenant, page: Page = Page()) -> list[dict[str, Any]]:
    """The browser sessions of the users on the page."""
    result = []
    for user in _users_on(tenant, page):
        for session in tenant.store.sessions_of_user(user.id):
            result.append({"user": user.username, "sid": shorten(session.sid), "data": _plain(session.data)})
    return result


def _plain(value: Any) -> Any:
    """JSON-friendly copy of SENCE records, whatever shape the SENCE store gives them."""
    as_json = getattr(value, "as_json", None)
    if callable(as_json):
        return _plain(as_json())
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {f.name: _plain(getattr(value, f.name)) for f in dataclasses.fields(value)}
    if hasattr(value, "model_dump"):
        return _plain(value.model_dump(mode="json"))
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple, set, frozenset)):
        return [_plain(v) for v in value]
    if isinstance(value, (datetime, date)):
        return value.isoformat()
    if isinstance(value, (str, int, float, bool)) or value is None:
        return value
    return str(value)


def _sence_collection(sence: Any, *names: str) -> list[Any]:
    for name in names:
        member = getattr(sence, name, None)
        if member is None:
            continue
        value = member() if callable(member) else member
        if isinstance(value, dict):
            value = list(value.values())
        if isinstance(value, (list, tuple)):
            return [_plain(v) for v in value]
    return []


def sence_view(tenant: Tenant) -> dict[str, Any]:
    """SENCE sessions and the attendance register of the tenant, read from ``store.sence``.

    Read defensively (the SENCE store was built alongside this module): ``sessions()`` and
    ``entries()`` (the register: every IniciarSesion/CerrarSesion post and its result) when
    present, else empty lists.
    """
    sence = getattr(tenant.store, "sence", None)
    if sence is None:
        return {"sessions": [], "attendance": []}
    return {
        "sessions": _sence_collection(sence, "sessions", "all_sessions", "list_sessions"),
        "attendance": _sence_collection(sence, "entries", "attendance", "register"),
    }


def plugins_view(tenant: Tenant) -> dict[str, Any]:
    """Each installed plugin's own section (``MoodlePlugin.world_view``), by frankenstyle name."""
    from mockserver.moodle.plugins.registry import installed_plugins

    sections = {plugin.name: plugin.world_view(tenant) for plugin in installed_plugins()}
    return {name: _plain(section) for name, section in sections.items() if section is not None}


def world_view(tenant: Tenant, page: Page = Page()) -> dict[str, Any]:
    store = tenant.store
    return {
        "tenant": tenant.name,
        "scenario": tenant.scenario.name,
        "clock": clock_view(tenant.clock),
        "page": {
            "offset": page.offset,
            "limit": page.limit,
            "total": {
                "users": len(store.user_ids()),
                "courses": len(store.course_ids()),
                "keys": len(store.user_keys()),
            },
        },
        "users": users_view(tenant, page),
        "courses": courses_view(tenant, page),
        "categories": categories_view(tenant),
        "tokens": tokens_view(tenant),
        "keys": keys_view(tenant, page=page),
        "sessions": sessions_view(tenant, page),
        "sence": sence_view(tenant),
        "plugins": plugins_view(tenant),
    }
