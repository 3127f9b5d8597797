"""Who a request is about (``user``) and whom it acts as (``actor``), for the journal and the faults.

``user`` is the person the request names: ``user[<field>]`` of auth_userkey_request_login_url,
``username`` of the login form and token.php, ``users[0][username]`` of core_user functions, or
SENCE's ``RunAlumno`` (``run`` on its login page). ``actor`` is resolved in the tenant's store
before the request runs: the owner of the ``wstoken``, or of the login ``key`` (a key is gone
once used, hence before).
"""

from __future__ import annotations

import re

from mockserver.world.store import Store

_USER_FIELD = re.compile(r"^users?\[(?:0\]\[)?(username|email|idnumber)\]$")
_NAMING = ("username", "RunAlumno", "runalumno", "run")


def subject(params: dict[str, str]) -> str | None:
    for name in _NAMING:
        if params.get(name):
            return params[name]
    for name, value in params.items():
        if value and _USER_FIELD.match(name):
            return value
    return None


def actor(params: dict[str, str], store: Store) -> str | None:
    """The owner of ``wstoken``, else of the login ``key`` (only these two names are read)."""
    userid: int | None = None
    token_value = params.get("wstoken")
    if token_value:
        token = store.token(token_value)
        userid = token.userid if token else None
    key_value = params.get("key")
    if userid is None and key_value:
        key = store.user_key(key_value)
        userid = key.userid if key else None
    if userid is None:
        return None
    user = store.user(userid)
    return user.username if user else None
