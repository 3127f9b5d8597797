"""``core_user_get_users`` (moodle-webservice.md §4.4): AND of criteria, deleted users excluded."""

from __future__ import annotations

import re
from typing import Any

from mockserver.moodle.domain.users import may_see_user, user_details
from mockserver.moodle.errors import MoodleException
from mockserver.moodle.site import Site
from mockserver.moodle.webservice.description import Multiple, Single, Value
from mockserver.moodle.webservice.registry import Call, ExternalFunction
from mockserver.moodle.webservice.structures import user_description, warnings_structure
from mockserver.world.entities import User

CLEAN_TYPES = {
    "id": "int",
    "idnumber": "raw",
    "username": "raw",
    "email": "raw",
    "auth": "auth",
    "lastname": "notags",
    "firstname": "notags",
}
LIKE_KEYS = ("email", "firstname", "lastname")
"""Compared with a case-insensitive ``LIKE`` (``%`` and ``_`` are wildcards); the rest by equality."""


def parameters(_site: Site) -> Single:
    return Single(
        {
            "criteria": Multiple(
                Single(
                    {
                        "key": Value(
                            "alpha",
                            "the user column to search: id, lastname, firstname, idnumber, username, email, auth",
                        ),
                        "value": Value("raw", "the value to search"),
                    }
                ),
                "the key/value pairs to be considered in user search (AND); invalid keys are ignored",
            )
        }
    )


def like(pattern: str) -> re.Pattern[str]:
    """SQL ``LIKE`` without case: ``%`` any run, ``_`` one character, ``\\`` escapes."""
    parts = []
    escaped = False
    for char in pattern:
        if escaped:
            parts.append(re.escape(char))
            escaped = False
        elif char == "\\":
            escaped = True
        elif char == "%":
            parts.append(".*")
        elif char == "_":
            parts.append(".")
        else:
            parts.append(re.escape(char))
    return re.compile("".join(parts), re.IGNORECASE | re.DOTALL)


def _matches(user: User, key: str, value: Any) -> bool:
    if key == "id":
        return bool(user.id == value)
    if key in LIKE_KEYS:
        return like(str(value)).fullmatch(str(getattr(user, key))) is not None
    return str(getattr(user, key)) == str(value)


def execute(call: Call, params: dict[str, Any]) -> dict[str, Any]:
    site = call.site
    warnings: list[dict[str, Any]] = []
    search: dict[str, Any] = {}
    for criterion in params["criteria"]:
        key = criterion["key"]
        if key in search:
            raise MoodleException("keyalreadyset", "error", None, f"The key {key} can only be sent once")
        if key not in CLEAN_TYPES:
            warnings.append(
                {
                    "item": key,
                    "warningcode": "invalidfieldparameter",
                    "message": f"The search key '{key}' is not supported, look at the web service documentation",
                }
            )
            continue
        search[key] = site.cleaner.clean(criterion["value"], CLEAN_TYPES[key])
    users = [
        user
        for user in _candidates(site, search)
        if not user.deleted and all(_matches(user, key, value) for key, value in search.items())
    ]
    details = [user_details(site, call.user, u) for u in users if may_see_user(call.user, u)]
    return {"users": details, "warnings": warnings}


def _candidates(site: Site, search: dict[str, Any]) -> list[User]:
    """Narrow by an indexed equality when there is one (large worlds); else every user."""
    if "id" in search:
        user = site.store.user(int(search["id"]))
        return [user] if user is not None else []
    for key in ("username", "idnumber"):
        if key in search:
            return site.store.find_users(key, str(search[key]))
    return site.store.users()


GET_USERS = ExternalFunction(
    name="core_user_get_users",
    component="core_user",
    parameters=parameters,
    returns=Single({"users": Multiple(user_description()), "warnings": warnings_structure()}),
    execute=execute,
)

FUNCTIONS = (GET_USERS,)
