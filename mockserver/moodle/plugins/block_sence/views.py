"""block_sence's pages: SENCE's return (UrlRetoma), error (UrlError) and the close action."""

from __future__ import annotations

import re
from typing import Any

from starlette.requests import Request
from starlette.responses import Response

from mockserver.moodle.pages.http import page_context, redirect
from mockserver.moodle.pages.params import PageParams
from mockserver.moodle.pages.session import BrowserSession
from mockserver.moodle.plugins.block_sence.gate import Gate, error_lines, is_sence_course
from mockserver.moodle.site import Site
from mockserver.sence.glosas import parse_codes
from mockserver.sence.records import GateRecord
from mockserver.templating import html
from mockserver.world.entities import Course

NO_MOODLE_SESSION = (
    "SENCE devolvió al participante, pero el navegador no envió la sesión de Moodle (cookie MoodleSession). "
    "Inicia sesión en Moodle y vuelve a intentarlo."
)
WRONG_BINDING = "IdSesionAlumno no corresponde a esta sesión de Moodle; la sesión SENCE no se registró."
CLOSED = "La sesión SENCE fue cerrada."


def _text(params: PageParams, name: str) -> str:
    value = params.post.get(name)
    return value if isinstance(value, str) else ""


def _course_of(site: Site, id_sesion_alumno: str) -> Course | None:
    """The course a binding ``<sesskey>-<courseid>`` names."""
    match = re.fullmatch(r"[A-Za-z0-9]+-([0-9]{1,9})", id_sesion_alumno)
    if match is None:
        return None
    course = site.store.course(int(match.group(1)))
    return course if course is not None and is_sence_course(course) else None


def _problem(site: Site, browser: BrowserSession, message: str, status: int, course: Course | None = None) -> Response:
    context = page_context(site, browser, message=message, errors=[], course=course, closing=False)
    return browser.apply_cookie(html("block_sence/gate_error.html", status_code=status, **context))


async def retorno(request: Request) -> Response:
    """UrlRetoma: record the SENCE session (start) or its end (``?cierre=1``), then back to the course."""
    site = Site.of(request)
    browser = BrowserSession(site)
    params = await PageParams.read(request, site)
    closing = params.get.get("cierre") == "1"
    if not browser.is_real_user:
        return _problem(site, browser, NO_MOODLE_SESSION, 403)
    user = browser.user
    assert user is not None
    binding = _text(params, "IdSesionAlumno")
    course = _course_of(site, binding)
    gate = Gate(site, browser)
    if course is None or binding != gate.binding(course):
        return _problem(site, browser, WRONG_BINDING, 400, course)
    store = site.store.sence
    records = store.gate_records(user.id, course.id)
    if closing:
        for record in reversed(records):
            if record.IdSesionAlumno == binding and record.timeclosed is None:
                record.timeclosed = site.clock.time()
                store.save_gate_record(record)
                break
        gate.set_flash("info", CLOSED)
        return redirect(site, browser, f"{site.wwwroot}/course/view.php?id={course.id}")
    id_sesion_sence = _text(params, "IdSesionSence")
    if not id_sesion_sence:
        return _problem(site, browser, "SENCE no envió IdSesionSence; la sesión no se registró.", 400, course)
    # A duplicated callback must not create a second row.
    if not any(r.IdSesionSence == id_sesion_sence for r in records):
        store.add_gate_record(
            GateRecord(
                id=0,
                userid=user.id,
                courseid=course.id,
                CodSence=_text(params, "CodSence"),
                CodigoCurso=_text(params, "CodigoCurso"),
                LineaCapacitacion=_text(params, "LineaCapacitacion"),
                RunAlumno=_text(params, "RunAlumno"),
                IdSesionAlumno=binding,
                IdSesionSence=id_sesion_sence,
                FechaHora=_text(params, "FechaHora"),
                ZonaHoraria=_text(params, "ZonaHoraria"),
                timecreated=site.clock.time(),
            )
        )
    return redirect(site, browser, f"{site.wwwroot}/course/view.php?id={course.id}")


async def error(request: Request) -> Response:
    """UrlError: show GlosaError with the manual's text (no Moodle login needed, like the plugins)."""
    site = Site.of(request)
    browser = BrowserSession(site)
    params = await PageParams.read(request, site)
    closing = params.get.get("cierre") == "1"
    codes = parse_codes(_text(params, "GlosaError"))
    course = _course_of(site, _text(params, "IdSesionAlumno"))
    message = "" if codes else "SENCE no informó un código de error (GlosaError)."
    context: dict[str, Any] = page_context(
        site, browser, message=message, errors=error_lines(codes), course=course, closing=closing
    )
    return browser.apply_cookie(html("block_sence/gate_error.html", **context))


async def cerrar(request: Request) -> Response:
    """The "Cerrar sesión SENCE" action: a page that posts CerrarSesion to SENCE."""
    site = Site.of(request)
    browser = BrowserSession(site)
    params = await PageParams.read(request, site)
    if not browser.is_real_user:
        return redirect(site, browser, f"{site.wwwroot}/login/index.php")
    user = browser.user
    assert user is not None
    courseid = params.optional("id", 0, "int")
    course = site.store.course(int(courseid or 0))
    if params.optional("sesskey", "", "raw") != browser.session.sesskey or course is None:
        return _problem(site, browser, "Solicitud inválida (sesskey o curso).", 400, course)
    gate = Gate(site, browser)
    record = gate.active_record(user, course)
    if record is None or record.timeclosed is not None:
        return redirect(site, browser, f"{site.wwwroot}/course/view.php?id={course.id}")
    context = page_context(
        site,
        browser,
        course=course,
        action=gate.sence_base() + "Registro/CerrarSesion",
        fields=gate.close_fields(user, course, record),
    )
    return browser.apply_cookie(html("block_sence/gate_close.html", **context))
