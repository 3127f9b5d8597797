"""SENCE's URL table (its real paths, case-insensitive); the Moodle block's pages are block_sence's."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from starlette.routing import BaseRoute, Route

from mockserver.sence import views
from mockserver.sence.records import Environment

ENVIRONMENTS: tuple[Environment, ...] = ("rce", "rcetest")


def _route(path: str, endpoint: Callable[..., Any], methods: list[str]) -> Route:
    """A route whose path matches in any letter case, like SENCE's ASP.NET service."""
    route = Route(path, endpoint, methods=methods)
    route.path_regex = re.compile(route.path_regex.pattern, re.IGNORECASE)
    return route


def protocol_routes() -> list[BaseRoute]:
    """What SENCE serves: the RCE endpoints, its login page and the attendance register."""
    routes: list[BaseRoute] = []
    for env in ENVIRONMENTS:
        routes += [
            _route(f"/{env}/Registro/IniciarSesion", views.protocol_endpoint("start", env), ["POST"]),
            _route(f"/{env}/Registro/CerrarSesion", views.protocol_endpoint("close", env), ["POST"]),
            _route(f"/{env}/Registro/Ingresar", views.login_endpoint(env), ["POST"]),
        ]
    routes += [
        Route("/rce/registro", views.register_html, methods=["GET"]),
        Route("/rce/registro.json", views.register_json, methods=["GET"]),
    ]
    return routes


def sence_routes() -> list[BaseRoute]:
    return protocol_routes()
