"""The fake Drupal as an ASGI app over the Moodle app's tenants (``mockserver serve --drupal-port N``)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import BaseRoute, Route
from starlette.types import ASGIApp, Receive, Scope, Send

from mockserver.drupal import api, pages
from mockserver.drupal.outcomes import RAW_SEND, ApiCall
from mockserver.tenancy import TenantDispatch

if TYPE_CHECKING:
    from mockserver.app import MockServerApp


class ByFormat:
    """One path, two handlers: core REST (``?_format=json``) or the HTML page."""

    def __init__(self, rest: ASGIApp, html: ASGIApp) -> None:
        self.rest = rest
        self.html = html

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        fmt = Request(scope).query_params.get("_format")
        await (self.rest if fmt == "json" and scope["method"] == "POST" else self.html)(scope, receive, send)


def _html(handler: pages.Handler) -> ASGIApp:
    async def app(scope: Scope, receive: Receive, send: Send) -> None:
        response: Response = await handler(Request(scope, receive))
        await response(scope, receive, send)

    return app


ENDPOINT = "/moodlesso"
"""The Services endpoint path the moodle_sso module defines (auth_drupalservices hard-codes it)."""


def drupal_routes() -> list[BaseRoute]:
    e = ENDPOINT
    login = ByFormat(ApiCall("login", api.d8_login), _html(pages.login_form))
    logout = ByFormat(ApiCall("logout", api.d8_logout), _html(pages.logout))
    return [
        Route("/", pages.front, methods=["GET"]),
        Route("/user/login", login, methods=["GET", "POST"]),
        Route("/user/logout", logout, methods=["GET", "POST"]),
        Route("/user/{uid}/edit", pages.edit, methods=["GET", "POST"]),
        # Drupal 7 Services endpoint
        Route(e, ApiCall("settings", api.d7_settings), methods=["GET"]),
        Route(f"{e}/moodlesso", ApiCall("settings", api.d7_settings), methods=["GET"]),
        Route(f"{e}/user/token", ApiCall("token", api.d7_token), methods=["POST"]),
        Route(f"{e}/system/connect", ApiCall("connect", api.d7_connect), methods=["POST"]),
        Route(f"{e}/user/login", ApiCall("login", api.d7_login), methods=["POST"]),
        Route(f"{e}/user/logout", ApiCall("logout", api.d7_logout), methods=["POST"]),
        Route(f"{e}/user", ApiCall("index", api.d7_index), methods=["GET"]),
        Route(e + "/user/{uid}", ApiCall("user", api.d7_user), methods=["GET"]),
        # Drupal 8+ core REST
        Route("/session/token", ApiCall("token", api.d8_token), methods=["GET"]),
        Route("/system/connect", ApiCall("connect", api.d8_connect), methods=["GET"]),
    ]


class KeepRawSend:
    """Remembers the server's own ``send`` in the scope: a scripted ``down`` closes the socket through it
    (the ``send`` a route gets is wrapped by Starlette and the journal)."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http":
            scope = {**scope, RAW_SEND: send}
        await self.app(scope, receive, send)


def create_drupal_app(main_app: MockServerApp, public_url: str | None = None, moodle_url: str | None = None) -> ASGIApp:
    """The fake Drupal serving ``main_app``'s tenants (journaled and faultable like the Moodle port).

    ``public_url`` is this port's address (``$base_url``); ``moodle_url`` the Moodle port's, the
    default return target of ``moodle_url=true`` logins.
    """
    starlette = Starlette(routes=drupal_routes())
    starlette.state.config = main_app.config
    starlette.state.tenants = main_app.tenants
    starlette.state.drupal_url = public_url
    starlette.state.moodle_url = moodle_url
    if public_url:
        # auth_drupalservices with an empty host_uri calls this site (mockserver serve --drupal-port).
        main_app.starlette.state.drupal_url = public_url.rstrip("/")
    return KeepRawSend(TenantDispatch(main_app.instrumented(starlette), main_app.tenants))
