"""The fake Drupal's browser pages: front page, login form (sets the session cookie), logout, profile edit."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any
from urllib.parse import urlsplit

from jinja2 import Environment, PackageLoader, StrictUndefined
from starlette.requests import Request
from starlette.responses import HTMLResponse, RedirectResponse, Response

from mockserver.drupal.site import DrupalSite, read_body
from mockserver.drupal.state import DrupalUser
from mockserver.text import finalize

Handler = Callable[[Request], Awaitable[Response]]

ENV = Environment(
    loader=PackageLoader("mockserver.drupal", "templates"),
    autoescape=True,
    finalize=finalize,
    undefined=StrictUndefined,
    auto_reload=False,
)
BAD_LOGIN = "Sorry, unrecognized username or password. Have you forgotten your password?"
BLOCKED = "The username {name} has not been activated or is blocked."


def page(site: DrupalSite, template: str, title: str, status: int = 200, **extra: Any) -> HTMLResponse:
    context = {
        "title": title,
        "base_url": site.base_url,
        "moodle_url": site.moodle_url,
        "user": site.user,
        "message": "",
        "message_kind": "status",
        **extra,
    }
    return HTMLResponse(ENV.get_template(template).render(**context), status_code=status)


def return_target(site: DrupalSite, request: Request, user: DrupalUser) -> str:
    """Where a login sends the browser.

    ``moodle_url=true&destination=<path>`` (auth_drupalservices master/vfremaux): Moodle's host plus
    the path; ``moodleurl=<url>`` (cannod 3.x): that URL; ``destination`` alone: a path of this
    site; otherwise the front page.
    """
    query = request.query_params
    destination = query.get("destination", "")
    if destination and query.get("moodle_url") == "true":
        parts = urlsplit(site.moodle_url)
        return f"{parts.scheme}://{parts.netloc}/{destination.lstrip('/')}"
    moodleurl = query.get("moodleurl", "")
    if moodleurl.startswith(("http://", "https://")):
        return moodleurl
    if destination and "://" not in destination and not destination.startswith("//"):
        return f"{site.base_url}/{destination.lstrip('/')}"
    return f"{site.base_url}/"


async def front(request: Request) -> Response:
    site = DrupalSite.of(request)
    return page(site, "front.html", "Welcome")


async def login_form(request: Request) -> Response:
    site = DrupalSite.of(request)
    user = site.user
    if user is not None:
        return RedirectResponse(return_target(site, request, user), status_code=302)
    action = f"{site.base_url}/user/login" + (f"?{request.url.query}" if request.url.query else "")
    if request.method == "GET":
        return page(site, "login.html", "User account", action=action, name="")
    body = await read_body(request)
    name, password = str(body.get("name", "")), str(body.get("pass", ""))
    account = site.state.user_by_name(name) if name else None
    if account is not None and not account.status:
        message = BLOCKED.format(name=account.name)
    elif account is None or not account.password or account.password != password:
        message = BAD_LOGIN
    else:
        session = site.state.open_session(account.uid)
        response = RedirectResponse(return_target(site, request, account), status_code=302)
        return site.with_session_cookie(response, session.sid)
    return page(site, "login.html", "User account", action=action, name=name, message=message, message_kind="error")


async def logout(request: Request) -> Response:
    site = DrupalSite.of(request)
    session = site.session
    if session is not None:
        site.state.close_session(session.sid)
    response = RedirectResponse(f"{site.base_url}/", status_code=302)
    return site.with_session_cookie(response, "", clear=True)


async def edit(request: Request) -> Response:
    """``user/<uid>/edit``: the account itself (or uid 1) renames it, changes mail or field values."""
    site = DrupalSite.of(request)
    raw = request.path_params["uid"]
    account = site.state.users.get(int(raw)) if raw.isdigit() and len(raw) < 12 else None
    if account is None:
        return page(site, "front.html", "Page not found", status=404)
    viewer, session = site.user, site.session
    if viewer is None or session is None or (viewer.uid != account.uid and viewer.uid != 1):
        return page(site, "front.html", "Access denied", status=403)
    token = site.state.csrf_token(session.sid)
    if request.method == "GET":
        return page(site, "edit.html", account.name, account=account, form_token=token)
    body = await read_body(request)
    if body.get("form_token") != token:
        message = "The form has become outdated. Copy any unsaved work in the form below and then reload this page."
        return page(site, "edit.html", account.name, account=account, form_token=token, message=message)
    name = str(body.get("name", account.name)).strip()
    taken = site.state.user_by_name(name)
    if not name or (taken is not None and taken.uid != account.uid):
        message = f"The name {name} is already taken." if name else "You must enter a username."
        return page(site, "edit.html", account.name, account=account, form_token=token, message=message)
    account.name = name
    account.mail = str(body.get("mail", account.mail))
    for field in account.fields:
        if isinstance(body.get(field), str):
            account.fields[field] = body[field]
    account.changed = int(site.tenant.clock.time())
    return page(
        site, "edit.html", account.name, account=account, form_token=token, message="The changes have been saved."
    )
