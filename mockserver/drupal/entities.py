"""How Drupal shows an account: the Drupal 7 user object (Services) and the Drupal 8+ entity (REST)."""

from __future__ import annotations

import secrets
from datetime import UTC, datetime
from typing import Any

from mockserver.drupal.state import DrupalUser

ANONYMOUS_D7: dict[str, Any] = {"uid": 0, "hostname": "", "roles": {"1": "anonymous user"}, "cache": 0}


def d7_field(value: str) -> dict[str, Any]:
    """A Field API value: ``{"und": [{"value": ..., "format": null, "safe_value": ...}]}``."""
    return {"und": [{"value": value, "format": None, "safe_value": value}]}


def d7_user(user: DrupalUser, *, with_mail: bool = True) -> dict[str, Any]:
    """``user_load()`` as Services sends it: numbers as strings (database values), no password hash.

    Services drops ``mail`` unless the caller is the account itself or may administer users.
    """
    account: dict[str, Any] = {
        "uid": str(user.uid),
        "name": user.name,
        "theme": "",
        "signature": "",
        "signature_format": "filtered_html",
        "created": str(user.created),
        "access": str(user.changed),
        "login": str(user.changed),
        "status": "1" if user.status else "0",
        "timezone": "UTC",
        "language": user.language,
        "picture": None,
        "init": user.mail,
        "data": False,
        "roles": {"2": "authenticated user"},
    }
    if with_mail:
        account["mail"] = user.mail
    for name, value in user.fields.items():
        account[name] = d7_field(value)
    return account


def d7_session_user(user: DrupalUser, sid: str, hostname: str, now: int) -> dict[str, Any]:
    """The global ``$user`` of a session (``system/connect``): the account plus session columns."""
    account = d7_user(user)
    account.update({"sid": sid, "ssid": "", "hostname": hostname, "timestamp": str(now), "cache": "0", "session": ""})
    return account


def _iso(when: int) -> str:
    return datetime.fromtimestamp(when, UTC).strftime("%Y-%m-%dT%H:%M:%S+00:00")


def d8_user(user: DrupalUser) -> dict[str, Any]:
    """A user entity in ``_format=json``: every field a list of ``{"value": ...}`` items."""
    entity: dict[str, Any] = {
        "uid": [{"value": user.uid}],
        "uuid": [{"value": f"00000000-0000-4000-8000-{user.uid:012d}"}],
        "langcode": [{"value": user.language or "en"}],
        "preferred_langcode": [{"value": user.language or "en"}],
        "preferred_admin_langcode": [],
        "name": [{"value": user.name}],
        "mail": [{"value": user.mail}],
        "timezone": [{"value": "UTC"}],
        "status": [{"value": user.status}],
        "created": [{"value": _iso(user.created), "format": "Y-m-d\\TH:i:sP"}],
        "changed": [{"value": _iso(user.changed), "format": "Y-m-d\\TH:i:sP"}],
        "access": [{"value": _iso(user.changed), "format": "Y-m-d\\TH:i:sP"}],
        "login": [{"value": _iso(user.changed), "format": "Y-m-d\\TH:i:sP"}],
        "init": [{"value": user.mail}],
        "roles": [{"target_id": "authenticated", "target_type": "user_role", "target_uuid": ""}],
        "default_langcode": [{"value": True}],
    }
    for name, value in user.fields.items():
        entity[name] = [{"value": value}]
    return entity


def d8_anonymous() -> dict[str, Any]:
    return {"uid": [{"value": 0}], "name": [], "roles": [{"target_id": "anonymous", "target_type": "user_role"}]}


def anonymous_sessid() -> str:
    """An anonymous visitor gets a session id that is never stored (lazy sessions)."""
    return secrets.token_urlsafe(32)
