"""block_sence's course gate, as OTECs' Moodle plugins behave (reference §6).

A course is a SENCE course when its custom fields name SENCE codes (``codsence``, ``codcurso``,
``lineacap``); students carry the ``runalumno`` profile field; the OTEC's RUT and token are site
settings (``plugins.block_sence``). Students must start a SENCE session before they see the course.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from starlette.responses import Response

from mockserver.moodle.pages.http import page_context
from mockserver.moodle.pages.session import BrowserSession
from mockserver.moodle.plugins.block_sence.settings import SenceGateSettings, config
from mockserver.moodle.plugins.interface import plugin_session
from mockserver.moodle.site import Site, public_base
from mockserver.sence.glosas import glosa
from mockserver.sence.protocol import CLOSE_FIELDS, START_FIELDS
from mockserver.sence.records import GateRecord
from mockserver.templating import html
from mockserver.world.entities import Course, Enrolment, User

NAME = "block_sence"
FLASH_KEY = "flash"
"""Under ``session.data["block_sence"]``: the message shown once on the next course page."""


def is_sence_course(course: Course) -> bool:
    fields = course.customfields
    return bool(fields.get("codsence", "").strip() or fields.get("codcurso", "").strip())


def must_pass_gate(user: User, enrolment: Enrolment | None) -> bool:
    """Only plain students meet the gate; teachers, managers and admins go straight in."""
    return enrolment is not None and enrolment.role == "student" and not user.siteadmin


@dataclass
class Gate:
    """The plugin for one request: its settings and the URLs and fields it sends to SENCE."""

    site: Site
    browser: BrowserSession

    @property
    def settings(self) -> SenceGateSettings:
        return config(self.site)

    def sence_base(self) -> str:
        """SENCE's RCE base URL with a trailing slash (…/rce/ or …/rcetest/)."""
        if self.settings.url:
            return self.settings.url.rstrip("/") + "/"
        own: str | None = getattr(self.site.request.app.state, "sence_url", None)
        host = own.rstrip("/") if own else public_base(self.site.request, self.site.config)
        return f"{host}{self.site.tenant.prefix}/{self.settings.environment}/"

    def binding(self, course: Course) -> str:
        """IdSesionAlumno: ties the SENCE session to this Moodle session and course."""
        return f"{self.browser.session.sesskey}-{course.id}"

    def urls(self, closing: bool) -> tuple[str, str]:
        suffix = "?cierre=1" if closing else ""
        root = self.site.wwwroot
        return f"{root}/blocks/sence/retorno.php{suffix}", f"{root}/blocks/sence/error.php{suffix}"

    def _common(self, user: User, course: Course) -> dict[str, str]:
        fields = course.customfields
        return {
            "RutOtec": self.settings.otec_rut,
            "Token": self.settings.otec_token,
            "CodSence": fields.get("codsence", ""),
            "CodigoCurso": fields.get("codcurso", ""),
            "LineaCapacitacion": fields.get("lineacap", "") or "3",
            "RunAlumno": user.profile.get("runalumno", ""),
            "IdSesionAlumno": self.binding(course),
        }

    def start_fields(self, user: User, course: Course) -> list[tuple[str, str]]:
        retoma, error = self.urls(closing=False)
        values = {**self._common(user, course), "UrlRetoma": retoma, "UrlError": error}
        return [(name, values[name]) for name in START_FIELDS]

    def close_fields(self, user: User, course: Course, record: GateRecord) -> list[tuple[str, str]]:
        retoma, error = self.urls(closing=True)
        values = {
            **self._common(user, course),
            "IdSesionSence": record.IdSesionSence,
            "UrlRetoma": retoma,
            "UrlError": error,
        }
        return [(name, values[name]) for name in CLOSE_FIELDS]

    def active_record(self, user: User, course: Course) -> GateRecord | None:
        """The SENCE session that lets the student in now, if any."""
        records = self.site.store.sence.gate_records(user.id, course.id)
        if self.settings.validity == "once":
            return records[-1] if records else None
        now = self.site.clock.time()
        for record in reversed(records):
            if (
                record.IdSesionAlumno == self.binding(course)
                and record.timeclosed is None
                and now < record.timecreated + self.settings.validity
            ):
                return record
        return None

    def remaining(self, record: GateRecord) -> int | None:
        if self.settings.validity == "once":
            return None
        return max(0, record.timecreated + self.settings.validity - self.site.clock.time())

    def pop_flash(self) -> dict[str, Any] | None:
        flash = plugin_session(self.browser, NAME).pop(FLASH_KEY, None)
        if flash is not None:
            self.browser.save()
        return flash if isinstance(flash, dict) else None

    def set_flash(self, kind: str, message: str) -> None:
        plugin_session(self.browser, NAME)[FLASH_KEY] = {"kind": kind, "message": message}
        self.browser.save()


def error_lines(codes: list[int]) -> list[tuple[int, str]]:
    return [(code, glosa(code)) for code in codes]


async def course_gate(
    site: Site, browser: BrowserSession, params: Any, user: User, course: Course, enrolment: Enrolment | None
) -> Response | None:
    """The gate page instead of the course, or the course with the SENCE block; None: not gated."""
    if not is_sence_course(course) or not must_pass_gate(user, enrolment):
        return None
    gate = Gate(site, browser)
    flash = gate.pop_flash()
    record = gate.active_record(user, course)
    if record is not None:
        context = page_context(
            site,
            browser,
            course=course,
            notice="",
            record=record,
            remaining=gate.remaining(record),
            can_close=record.timeclosed is None,
            flash=flash,
        )
        return browser.apply_cookie(html("block_sence/course.html", **context))
    problems = []
    if not (gate.settings.otec_rut and gate.settings.otec_token):
        problems.append("El sitio no tiene configurados el RUT OTEC y el Token SENCE (plugins.block_sence).")
    if not user.profile.get("runalumno"):
        problems.append("Tu cuenta no tiene RUN registrado (campo de perfil runalumno). Contacta a la OTEC.")
    context = page_context(
        site,
        browser,
        course=course,
        action=gate.sence_base() + "Registro/IniciarSesion",
        fields=gate.start_fields(user, course),
        problems=problems,
        flash=flash,
    )
    return browser.apply_cookie(html("block_sence/gate.html", **context))
