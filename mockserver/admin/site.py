"""The admin Starlette app: API routes, dashboard, and the app state they read."""

from __future__ import annotations

from starlette.applications import Starlette
from starlette.routing import BaseRoute, Route

from mockserver.admin.api import PREFIX, admin_routes
from mockserver.admin.dashboard import dashboard, index
from mockserver.admin.state import AdminState


def build_admin_app(state: AdminState) -> Starlette:
    routes: list[BaseRoute] = [
        Route(PREFIX, index, methods=["GET"]),
        Route(PREFIX + "/", index, methods=["GET"]),
        Route(PREFIX + "/dashboard", dashboard, methods=["GET"]),
        *admin_routes(),
    ]
    app = Starlette(routes=routes)
    app.state.admin = state
    return app
