"""The URL table of every surface (Moodle's real paths, its plugins' own, SENCE's real paths)."""

from __future__ import annotations

from starlette.routing import BaseRoute, Route

from mockserver.moodle.ajax import ajax_service, ajax_service_nologin
from mockserver.moodle.pages import views
from mockserver.moodle.plugins.registry import plugin_routes
from mockserver.moodle.token_php import token_php
from mockserver.moodle.webservice.server import rest_server
from mockserver.sence.routes import sence_routes

ANY = ["GET", "POST", "PUT", "DELETE", "PATCH", "OPTIONS"]


def moodle_routes() -> list[BaseRoute]:
    return [
        Route("/webservice/rest/server.php", rest_server, methods=ANY),
        Route("/login/token.php", token_php, methods=["GET", "POST"]),
        Route("/lib/ajax/service.php", ajax_service, methods=ANY),
        Route("/lib/ajax/service-nologin.php", ajax_service_nologin, methods=ANY),
        Route("/login/index.php", views.login_index, methods=["GET", "POST"]),
        Route("/login/logout.php", views.login_logout, methods=["GET", "POST"]),
        Route("/my/", views.my_index, methods=["GET", "POST"]),
        Route("/my/index.php", views.my_index, methods=["GET", "POST"]),
        Route("/course/view.php", views.course_view, methods=["GET", "POST"]),
        Route("/enrol/index.php", views.enrol_index, methods=["GET", "POST"]),
        Route("/", views.front_page, methods=["GET", "POST"]),
        Route("/index.php", views.front_page, methods=["GET", "POST"]),
        *plugin_routes(),
    ]


def all_routes() -> list[BaseRoute]:
    return [*moodle_routes(), *sence_routes()]
