"""Straight to the endpoint of a fixed path: what Starlette's layers do per request, done once.

Per request Starlette runs two middlewares (server errors, exceptions), the router (a regular
expression per route until one matches) and the ``request_response`` wrapper, each with its own
``send`` wrapper: about a tenth of the mock's time on its hottest routes. ``FastRoutes`` looks the
path up in a dict of the app's leading fixed-path routes instead and calls the endpoint with the
same scope keys, the same ``Request`` and the same outcomes as that stack (``make bench``):

* a method the route does not take, any other path, any other route kind: the Starlette app as before;
* ``HTTPException`` from the endpoint: Starlette's default answer (the app registers no handlers);
* any other exception: ``500 Internal Server Error`` (plain text) unless the response had started,
  then re-raised for the server to log, as ``ServerErrorMiddleware`` does.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from starlette._utils import get_route_path, is_async_callable
from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import PlainTextResponse, Response
from starlette.routing import Route
from starlette.types import Message, Receive, Scope, Send

Endpoint = Callable[[Request], Awaitable[Response]]


def _fixed_routes(app: Starlette) -> dict[str, Route]:
    """The routes before the first one whose match is not a comparison with its path (a path
    parameter, a mount, a sync or class endpoint): up to there, the first route with the path
    is the one the router picks (or the one whose 405 it answers)."""
    table: dict[str, Route] = {}
    for route in app.routes:
        if type(route) is not Route or route.param_convertors or not route.methods:
            break
        if not is_async_callable(route.endpoint) or route.app is route.endpoint:
            break
        table.setdefault(route.path, route)
    return table


class FastRoutes:
    """``app`` with its fixed-path routes answered without Starlette's per-request layers."""

    def __init__(self, app: Starlette) -> None:
        self.app = app
        self.routes = _fixed_routes(app)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        route = self.routes.get(get_route_path(scope)) if scope["type"] == "http" else None
        if route is None or route.methods is None or scope["method"] not in route.methods:
            await self.app(scope, receive, send)
            return
        # The scope as Starlette's layers leave it for the endpoint.
        scope["app"] = self.app
        scope.setdefault("router", self.app.router)
        scope["route"] = route
        scope["endpoint"] = route.endpoint
        scope["path_params"] = dict(scope.get("path_params", {}))
        request = Request(scope, receive, send)
        endpoint: Endpoint = route.endpoint
        try:
            response = await endpoint(request)
        except HTTPException as exc:
            answer = _http_exception(exc)
            exc.__traceback__ = None
            await answer(scope, receive, send)
            return
        except Exception:
            await PlainTextResponse("Internal Server Error", status_code=500)(scope, receive, send)
            raise
        if type(response).__call__ is Response.__call__:
            # A plain response sends its start first: a failure here is a failure after the start.
            try:
                await response(scope, receive, send)
            except HTTPException as exc:
                raise RuntimeError("Caught handled exception, but response already started.") from exc
            return
        await _streamed(response, scope, receive, send)


async def _streamed(response: Response, scope: Scope, receive: Receive, send: Send) -> None:
    started = False

    async def sender(message: Message) -> None:
        nonlocal started
        if message["type"] == "http.response.start":
            started = True
        await send(message)

    try:
        await response(scope, receive, sender)
    except HTTPException as exc:
        if started:
            raise RuntimeError("Caught handled exception, but response already started.") from exc
        exc.__traceback__ = None
        await _http_exception(exc)(scope, receive, sender)
    except Exception:
        if not started:
            await PlainTextResponse("Internal Server Error", status_code=500)(scope, receive, send)
        raise


def _http_exception(exc: HTTPException) -> Response:
    """``ExceptionMiddleware.http_exception``."""
    if exc.status_code in {204, 304}:
        return Response(status_code=exc.status_code, headers=exc.headers)
    return PlainTextResponse(exc.detail, status_code=exc.status_code, headers=exc.headers)
