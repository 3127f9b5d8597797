"""HTML for SENCE's side: login page, auto-posting callback page, error and notice pages, register."""

from __future__ import annotations

from starlette.responses import HTMLResponse

from mockserver.sence.glosas import Manual, glosa
from mockserver.sence.outcomes import Callback, ErrorPage, LoginPage
from mockserver.sence.records import Environment, RegisterEntry, SenceSession
from mockserver.sence.world import SenceCatalog
from mockserver.templating import html

NO_STORE = {"Cache-Control": "no-store"}
RESULT_LABELS = {
    "pending": "pendiente (en el login)",
    "success": "éxito",
    "error": "error",
    "no_callback": "sin retorno",
    "http_500": "HTTP 500",
    "http_503": "HTTP 503",
}


def login_page(page: LoginPage, catalog: SenceCatalog, manual: Manual, action_url: str) -> HTMLResponse:
    fields = page.attempt.fields
    codigo = fields.get("CodigoCurso", "")
    course = catalog.action(codigo)
    if course is not None:
        course_label = course.name or codigo
    else:
        course_label = "Curso de prueba (código -1)" if codigo == "-1" else codigo
    rut_otec = fields.get("RutOtec", "")
    otec = catalog.otec(rut_otec)
    otec_label = f"{otec.name} ({rut_otec})" if otec is not None and otec.name else rut_otec
    legacy = manual == "1.1.3"
    return html(
        "sence/login_legacy.html" if legacy else "sence/login.html",
        headers=NO_STORE,
        environment=page.attempt.environment,
        action=page.attempt.action,
        course_label=course_label,
        codsence=fields.get("CodSence", ""),
        codigocurso=codigo,
        otec_label=otec_label,
        message=page.message,
        action_url=action_url,
        attempt_id=page.attempt.id,
        run=fields.get("RunAlumno", "") if legacy else "",
        remaining_attempts=page.remaining_attempts,
        remaining_seconds=page.remaining_seconds or 0,
    )


def callback_page(callback: Callback, environment: Environment) -> HTMLResponse:
    return html(
        "sence/callback.html",
        headers=NO_STORE,
        environment=environment,
        url=callback.url,
        fields=callback.fields,
        error=callback.error,
        duplicate=callback.duplicate,
    )


def error_page(page: ErrorPage, manual: Manual, environment: Environment) -> HTMLResponse:
    errors = [(code, glosa(code, manual)) for code in page.codes]
    return html("sence/error.html", status_code=page.status, headers=NO_STORE, environment=environment, errors=errors)


def notice_page(status: int, title: str, message: str, environment: Environment | str = "") -> HTMLResponse:
    return html(
        "sence/notice.html", status_code=status, headers=NO_STORE, environment=environment, title=title, message=message
    )


def register_page(entries: list[RegisterEntry], sessions: list[SenceSession], json_url: str) -> HTMLResponse:
    return html(
        "sence/registro.html",
        headers=NO_STORE,
        environment="",
        entries=entries,
        sessions=sessions,
        results=RESULT_LABELS,
        json_url=json_url,
    )
