"""The calls auth_drupalservices makes: Drupal 7 Services (``/moodlesso/...``) and Drupal 8+ REST routes.

Drupal 7: ``user/token``, ``system/connect``, ``user/<uid>``, ``user/login``, ``user/logout``, the
endpoint's settings and the user index. Drupal 8+: ``session/token``, ``system/connect?_format=json``,
``user/login?_format=json``, ``user/logout?_format=json``. Errors are Services' JSON arrays
(``["CSRF validation failed"]``) or core REST's ``{"message": ...}``.
"""

from __future__ import annotations

import json
from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse, PlainTextResponse, Response

from mockserver.drupal import entities
from mockserver.drupal.site import DrupalSite, read_body
from mockserver.drupal.state import DrupalUser


class DrupalJSON(JSONResponse):
    """``drupal_json_encode``-like: UTF-8 as is, ``application/json`` exactly (the plugin compares it)."""

    media_type = "application/json"

    def render(self, content: Any) -> bytes:
        return json.dumps(content, ensure_ascii=False, separators=(",", ":")).encode("utf-8")

    def init_headers(self, headers: Any = None) -> None:
        super().init_headers(headers)
        self.raw_headers = [(k, b"application/json" if k == b"content-type" else v) for k, v in self.raw_headers]


def services_error(status: int, message: str) -> Response:
    """``services_error()``: the message as a one-element JSON array."""
    return DrupalJSON([message], status_code=status)


def _client_host(request: Request) -> str:
    return request.client.host if request.client else ""


def _csrf_ok(site: DrupalSite, request: Request, sid: str) -> bool:
    return request.headers.get("x-csrf-token", "") == site.state.csrf_token(sid)


# Drupal 7 ("moodlesso" Services endpoint)


async def d7_token(request: Request) -> Response:
    site = DrupalSite.of(request)
    session = site.session
    return DrupalJSON({"token": site.state.csrf_token(session.sid if session else None)})


async def d7_connect(request: Request) -> Response:
    """``system/connect``: who the session cookie belongs to; a logged-in session needs the CSRF token."""
    site = DrupalSite.of(request)
    session, user = site.session, site.user
    if session is None or user is None:
        anonymous = {**entities.ANONYMOUS_D7, "hostname": _client_host(request)}
        return DrupalJSON({"sessid": entities.anonymous_sessid(), "session_name": site.session_name, "user": anonymous})
    if not _csrf_ok(site, request, session.sid):
        return services_error(401, "CSRF validation failed")
    now = int(site.tenant.clock.time())
    account = entities.d7_session_user(user, session.sid, _client_host(request), now)
    return DrupalJSON({"sessid": session.sid, "session_name": site.session_name, "user": account})


async def d7_user(request: Request) -> Response:
    """``GET user/<uid>``: the account itself (or uid 1) may view it; others get Services' 401."""
    site = DrupalSite.of(request)
    raw = request.path_params["uid"]
    uid = int(raw) if raw.isdigit() and len(raw) < 12 else 0
    account = site.state.users.get(uid)
    if account is None:
        return services_error(404, f"There is no user with ID {uid}.")
    viewer = site.user
    if viewer is None or (viewer.uid != uid and viewer.uid != 1):
        return services_error(401, f"Access denied for user {viewer.name if viewer else 'anonymous'}")
    return DrupalJSON(entities.d7_user(account))


def _check_password(site: DrupalSite, name: str, password: str) -> DrupalUser | None:
    user = site.state.user_by_name(name) if name else None
    if user is None or not user.status or not user.password or user.password != password:
        return None
    return user


async def d7_login(request: Request) -> Response:
    """``POST user/login`` (``username``/``password``, also ``name``/``pass``)."""
    site = DrupalSite.of(request)
    current = site.user
    if current is not None:
        return services_error(406, f"Already logged in as {current.name}.")
    body = await read_body(request)
    name = str(body.get("username") or body.get("name") or "")
    password = str(body.get("password") or body.get("pass") or "")
    user = _check_password(site, name, password)
    if user is None:
        return services_error(401, "Wrong username or password.")
    session = site.state.open_session(user.uid)
    now = int(site.tenant.clock.time())
    reply = {
        "sessid": session.sid,
        "session_name": site.session_name,
        "token": site.state.csrf_token(session.sid),
        "user": entities.d7_session_user(user, session.sid, _client_host(request), now),
    }
    return site.with_session_cookie(DrupalJSON(reply), session.sid)


async def d7_logout(request: Request) -> Response:
    site = DrupalSite.of(request)
    session = site.session
    if session is None:
        return services_error(406, "User is not logged in.")
    if not _csrf_ok(site, request, session.sid):
        return services_error(401, "CSRF validation failed")
    site.state.close_session(session.sid)
    return site.with_session_cookie(DrupalJSON([True]), "", clear=True)


async def d7_settings(request: Request) -> Response:
    """The moodle_sso module's settings resource: where the session cookie lives and Moodle's URL."""
    site = DrupalSite.of(request)
    cookiedomain = site.spec.cookie_domain
    if cookiedomain is None:
        cookiedomain = site.base_url.split("://", 1)[-1]
    return DrupalJSON({"cookiedomain": cookiedomain, "moodle_url": site.moodle_url})


def _index_options(raw: str) -> dict[str, int]:
    """``?vid=<n>,page=<n>,pagesize=<n>``: the plugin puts all three in one query value."""
    options = {"vid": 0, "page": 0, "pagesize": 100}
    for part in raw.split(","):
        key, _, value = part.partition("=")
        if key in options and value.isdigit() and len(value) < 10:
            options[key] = int(value)
    return options


async def d7_index(request: Request) -> Response:
    """``GET user?vid=...``: accounts changed since ``vid``, one page (uid 1 may list; others 401)."""
    site = DrupalSite.of(request)
    viewer = site.user
    if viewer is None or viewer.uid != 1:
        return services_error(401, f"Access denied for user {viewer.name if viewer else 'anonymous'}")
    query = request.url.query
    options = _index_options(query[4:] if query.startswith("vid=") else "")
    size = max(1, min(options["pagesize"], 1000))
    accounts = sorted(site.state.users.values(), key=lambda u: u.uid)
    chosen = [u for u in accounts if u.uid > options["vid"]][options["page"] * size : (options["page"] + 1) * size]
    return DrupalJSON([{"uid": str(u.uid), "name": u.name, "mail": u.mail, "vid": str(u.uid)} for u in chosen])


# Drupal 8+ (core REST, _format=json)


def _json_format(request: Request) -> bool:
    return request.query_params.get("_format") == "json"


def rest_error(status: int, message: str) -> Response:
    return DrupalJSON({"message": message}, status_code=status)


def _not_acceptable(request: Request) -> Response:
    fmt = request.query_params.get("_format") or "html"
    return rest_error(406, f"Not acceptable format: {fmt}")


async def d8_token(request: Request) -> Response:
    """``GET session/token``: the CSRF token as plain text, whatever ``_format`` says."""
    site = DrupalSite.of(request)
    session = site.session
    return PlainTextResponse(site.state.csrf_token(session.sid if session else None))


async def d8_connect(request: Request) -> Response:
    """``GET system/connect?_format=json``: a list whose element 0 is the current user entity."""
    if not _json_format(request):
        return _not_acceptable(request)
    site = DrupalSite.of(request)
    user = site.user
    return DrupalJSON([entities.d8_user(user) if user is not None else entities.d8_anonymous()])


async def d8_login(request: Request) -> Response:
    """``POST user/login?_format=json`` with ``{"name", "pass"}``."""
    site = DrupalSite.of(request)
    if site.user is not None:
        return rest_error(403, "This route can only be accessed by anonymous users.")
    body = await read_body(request)
    name, password = body.get("name"), body.get("pass")
    if not isinstance(name, str) or not isinstance(password, str) or not name or not password:
        return rest_error(400, "Missing credentials.")
    account = site.state.user_by_name(name)
    if account is not None and not account.status:
        return rest_error(400, "The user has not been activated or is blocked.")
    user = _check_password(site, name, password)
    if user is None:
        return rest_error(400, "Sorry, unrecognized username or password.")
    session = site.state.open_session(user.uid)
    reply = {
        "current_user": {"uid": str(user.uid), "roles": ["authenticated"], "name": user.name},
        "csrf_token": site.state.csrf_token(session.sid),
        "logout_token": session.logout_token,
    }
    return site.with_session_cookie(DrupalJSON(reply), session.sid)


async def d8_logout(request: Request) -> Response:
    """``POST user/logout?_format=json&token=<logout_token>``: 204 on success."""
    site = DrupalSite.of(request)
    session = site.session
    if session is None:
        return rest_error(403, "")
    if request.query_params.get("token") != session.logout_token:
        return rest_error(403, "'csrf_token' URL query argument is invalid.")
    site.state.close_session(session.sid)
    return site.with_session_cookie(Response(status_code=204), "", clear=True)
