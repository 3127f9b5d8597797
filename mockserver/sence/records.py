"""Mutable SENCE records kept in the store: register entries, sessions, pending logins, plugin rows."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any, Literal

Action = Literal["start", "close"]
Environment = Literal["rce", "rcetest"]
# pending: the login page is shown; success / error: a callback was sent; no_callback: abandoned
# (scripted); http_500 / http_503: SENCE failed (scripted).
Result = Literal["pending", "success", "error", "no_callback", "http_500", "http_503"]


@dataclass
class RegisterEntry:
    """One IniciarSesion or CerrarSesion post and what came of it (the attendance register)."""

    id: int
    time: float
    action: Action
    environment: Environment
    RutOtec: str
    CodSence: str
    CodigoCurso: str
    LineaCapacitacion: str
    RunAlumno: str
    IdSesionAlumno: str
    IdSesionSence: str = ""
    result: Result = "pending"
    GlosaError: str = ""
    FechaHora: str = ""
    completed: float | None = None
    callback_url: str = ""
    attempts: int = 0

    def as_json(self) -> dict[str, Any]:
        return asdict(self)


@dataclass
class SenceSession:
    """A session SENCE started (IdSesionSence) and, once closed, when."""

    IdSesionSence: str
    environment: Environment
    RutOtec: str
    CodSence: str
    CodigoCurso: str
    LineaCapacitacion: int
    RunAlumno: str
    IdSesionAlumno: str
    UrlRetoma: str
    started: float
    FechaHora: str
    closed: float | None = None

    @property
    def is_open(self) -> bool:
        return self.closed is None

    def as_json(self) -> dict[str, Any]:
        return {**asdict(self), "open": self.is_open}


@dataclass
class LoginAttempt:
    """A post waiting on SENCE's login page for the student's RUN and password."""

    id: str
    action: Action
    environment: Environment
    fields: dict[str, str]
    entry_id: int
    created: float
    deferred_codes: list[int] = field(default_factory=list)
    forced_codes: list[int] = field(default_factory=list)
    callback: Literal["normal", "none", "duplicate"] = "normal"
    failures: int = 0


@dataclass
class GateRecord:
    """Moodle-side plugin table: a SENCE session a Moodle user started for a course."""

    id: int
    userid: int
    courseid: int
    CodSence: str
    CodigoCurso: str
    LineaCapacitacion: str
    RunAlumno: str
    IdSesionAlumno: str
    IdSesionSence: str
    FechaHora: str
    ZonaHoraria: str
    timecreated: int
    timeclosed: int | None = None
