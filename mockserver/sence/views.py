"""SENCE's HTTP surface: the RCE endpoints, the fake login page and the attendance register."""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from starlette.requests import Request
from starlette.responses import JSONResponse, PlainTextResponse, Response

from mockserver.delays import sleep_at_least
from mockserver.sence import render
from mockserver.sence.forms import NotAForm, read_pairs
from mockserver.sence.outcomes import Callback, ErrorPage, HttpFailure, LoginPage, NoCallback, Notice, Result
from mockserver.sence.protocol import collapse
from mockserver.sence.records import Action, Environment
from mockserver.sence.service import SenceService
from mockserver.world.tenant import Tenant

Endpoint = Callable[[Request], Awaitable[Response]]
HTTP_FAILURE_TEXT = {
    500: "500 - Error interno del servidor.",
    503: "503 - Servicio no disponible.",
}


def service_of(request: Request) -> SenceService:
    tenant: Tenant = request.scope["state"]["tenant"]
    return SenceService(tenant.scenario.sence, tenant.store.sence, tenant.clock, tenant.rng)


def base_path(request: Request) -> str:
    """Path prefix of this tenant on SENCE's side ('' or '/t/<name>')."""
    root: str = request.scope.get("root_path", "")
    return root.rstrip("/")


def _not_a_form(error: NotAForm) -> Response:
    return PlainTextResponse(error.message + "\n", status_code=error.status)


def respond(request: Request, service: SenceService, environment: Environment, result: Result) -> Response:
    manual = service.scenario.manual
    if isinstance(result, Callback):
        return render.callback_page(result, environment)
    if isinstance(result, LoginPage):
        action_url = f"{base_path(request)}/{environment}/Registro/Ingresar"
        return render.login_page(result, service.catalog, manual, action_url)
    if isinstance(result, ErrorPage):
        return render.error_page(result, manual, environment)
    if isinstance(result, NoCallback):
        return render.notice_page(
            200,
            "Sesión sin retorno (simulada)",
            "El escenario simula que el participante abandonó el login: SENCE no retornará a la plataforma "
            "del OTEC, ni con éxito ni con error.",
            environment,
        )
    if isinstance(result, HttpFailure):
        return render.notice_page(result.status, HTTP_FAILURE_TEXT[result.status], "Error simulado por el escenario.")
    assert isinstance(result, Notice)
    return render.notice_page(result.status, result.title, result.message, environment)


def protocol_endpoint(action: Action, environment: Environment) -> Endpoint:
    """POST .../Registro/IniciarSesion or .../Registro/CerrarSesion."""

    async def endpoint(request: Request) -> Response:
        try:
            pairs = await read_pairs(request)
        except NotAForm as error:
            return _not_a_form(error)
        service = service_of(request)
        fields = collapse(pairs, service.settings.duplicate_fields)
        answer = service.post(action, environment, fields)
        if answer.delay:
            await sleep_at_least(answer.delay)
        return respond(request, service, environment, answer.result)

    endpoint.__name__ = f"sence_{environment}_{action}"
    return endpoint


def login_endpoint(environment: Environment) -> Endpoint:
    """POST .../Registro/Ingresar: the RUN and password typed on the fake login page."""

    async def endpoint(request: Request) -> Response:
        try:
            pairs = await read_pairs(request)
        except NotAForm as error:
            return _not_a_form(error)
        values = collapse(pairs, "first")
        service = service_of(request)
        answer = service.login(environment, values.get("tx", ""), values.get("run", ""), values.get("clave", ""))
        return respond(request, service, environment, answer.result)

    endpoint.__name__ = f"sence_{environment}_login"
    return endpoint


async def register_html(request: Request) -> Response:
    service = service_of(request)
    json_url = f"{base_path(request)}/rce/registro.json"
    return render.register_page(service.store.entries(), service.store.sessions(), json_url)


async def register_json(request: Request) -> Response:
    service = service_of(request)
    body = {
        "registro": [entry.as_json() for entry in service.store.entries()],
        "sesiones": [session.as_json() for session in service.store.sessions()],
    }
    return JSONResponse(body, headers=render.NO_STORE)
