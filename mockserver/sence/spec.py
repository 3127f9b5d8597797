"""Scenario format of the fake SENCE service.

``SenceWorld`` (fixtures and scenarios) is what SENCE knows: OTECs with their tokens, course
actions and students. ``SenceScenario`` adds the manual version, the behaviour switches for the
points where the manual is silent (``settings``) and the scripted outcomes (``rules``). The OTEC's
Moodle plugin settings belong to that plugin (mockserver/moodle/plugins/block_sence/settings.py).
"""

from __future__ import annotations

import re
from datetime import date
from typing import Annotated, Literal

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, model_validator

from mockserver.sence import rut
from mockserver.sence.glosas import ALL_CODES, Manual


class _Spec(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, defer_build=True)


def _valid_rut(value: str) -> str:
    if not rut.is_valid(value):
        raise ValueError(f"{value!r} is not a RUT/RUN in the form xxxxxxxx-x with a correct check digit")
    return value.upper()


def _guid(value: str) -> str:
    if not re.fullmatch(r"[0-9A-Fa-f]{8}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{12}", value):
        raise ValueError("a SENCE token is a 36-character GUID, e.g. 5EEBF607-25A9-4DB2-A4DD-5D31BDAE3220")
    return value


def _glosa_code(value: int) -> int:
    if value not in ALL_CODES:
        raise ValueError(f"{value} is not a GlosaError code of any manual version")
    return value


Rut = Annotated[str, AfterValidator(_valid_rut)]
GlosaCode = Annotated[int, AfterValidator(_glosa_code)]


class SenceTokenSpec(_Spec):
    token: Annotated[str, AfterValidator(_guid)]
    vigente: bool = Field(True, description="False: the OTEC revoked it (GlosaError 212).")


class OtecSpec(_Spec):
    rut: Rut = Field(description="RUT OTEC, xxxxxxxx-x.")
    name: str = ""
    vigente: bool = Field(True, description="False: SENCE cannot validate the organisation (GlosaError 302).")
    tokens: list[SenceTokenSpec] = Field(default_factory=list)


class SenceCourseSpec(_Spec):
    """An action (CodigoCurso) of a SENCE course (CodSence) run by an OTEC."""

    codsence: str = Field("", description="10-digit course code; blank for línea 1.")
    codigocurso: str = Field(description="Action id (ID de acción); SIC code for línea 1.")
    linea: Literal[1, 3, 6] = 3
    otec: Rut = Field(description="RUT of the OTEC running the action (GlosaError 308 for another OTEC).")
    name: str = ""
    modalidad: Literal["elearning", "presencial"] = Field("elearning", description="presencial: GlosaError 307.")
    estado: Literal["vigente", "terminado", "anulado"] = Field("vigente", description="terminado/anulado: 310.")
    inicio: date | int | None = Field(
        None, description="First execution day, or days relative to the clock's start; absent: -30. Outside: 309."
    )
    termino: date | int | None = Field(
        None, description="Last execution day, or days relative to the clock's start; absent: +60."
    )
    participantes: list[Rut] = Field(default_factory=list, description="Authorised RUNs (others: GlosaError 208).")


class SenceStudentSpec(_Spec):
    run: Rut
    password: str = Field("demo", description="ClaveÚnica (v1.1.5+) or Clave SENCE (v1.1.3) on the fake login page.")
    nombre: str = ""
    bloqueado: bool = Field(False, description="True: ClaveÚnica authentication cannot complete (GlosaError 312).")


class SenceWorld(_Spec):
    otecs: list[OtecSpec] = Field(default_factory=list)
    courses: list[SenceCourseSpec] = Field(default_factory=list)
    students: list[SenceStudentSpec] = Field(default_factory=list)


class SenceSettings(_Spec):
    """Behaviour where the manual is silent; defaults are documented in docs/sence.md."""

    after_login_codes: list[GlosaCode] = Field(
        default_factory=list,
        description="Validation codes reported only after the student logs in (e.g. [208]); others come first.",
    )
    multiple_errors: bool = Field(False, description="Send every validation code found, joined by ';'.")
    fechahora_timezone: str = Field("America/Santiago", description="IANA zone of FechaHora.")
    zona_horaria: str = Field("America/Santiago", description="Literal value of ZonaHoraria ('' sends it empty).")
    close_fechahora: Literal["close", "start"] = Field(
        "close", description="FechaHora of close callbacks: the close time or the session's start time."
    )
    id_sesion_sence: Literal["numeric", "guid", "hex"] = Field(
        "numeric", description="Shape of IdSesionSence: 10 digits, a GUID or 32 hex characters."
    )
    error_id_sesion_sence: Literal["empty", "omit"] = Field(
        "empty", description="Start-error callbacks carry IdSesionSence empty, or leave the field out."
    )
    url_length_check: bool = Field(
        False,
        description="Enforce the manual's UrlRetoma/UrlError length (100; 200 in v1.1.3) with 202/203. Off: "
        "production plugins send longer URLs and work; enforcement by the real SENCE is unknown.",
    )
    url_max_length: int | None = Field(
        None,
        description="Max length of UrlRetoma/UrlError, enforced when set (0: no limit); absent: the manual's "
        "when url_length_check is on, none otherwise.",
    )
    close_unknown_code: GlosaCode = Field(
        301, description="Code for a CerrarSesion whose IdSesionSence is unknown, closed or of another student."
    )
    close_url_check: bool = Field(
        True, description="313 when the close UrlRetoma is on another origin than the session's start UrlRetoma."
    )
    close_requires_login: bool = Field(True, description="CerrarSesion shows the login page again (manual §2).")
    session_max_age: int | None = Field(
        None, description="Seconds after which SENCE treats an open session as gone (close gives close_unknown_code)."
    )
    duplicate_fields: Literal["join", "first", "last"] = Field(
        "join", description="A repeated form field: joined with ', ' like classic ASP's Request.Form, or first/last."
    )
    default_password: str | None = Field(
        None, description="If set, any valid RUN not listed under students logs in with this password."
    )
    login_attempts: int = Field(3, ge=1, description="v1.1.3: wrong Clave SENCE attempts before GlosaError 100.")
    login_timeout: int = Field(180, ge=1, description="v1.1.3: seconds to type the password before GlosaError 210.")
    pending_login_lifetime: int = Field(
        3600,
        ge=1,
        description="Seconds a login page stays usable after the post; then it is forgotten (404). "
        "At least login_timeout.",
    )

    @model_validator(mode="after")
    def _urls_first(self) -> SenceSettings:
        if {201, 202, 203} & set(self.after_login_codes):
            raise ValueError("URL errors (201-203) cannot wait for the login: they decide where errors go")
        if self.pending_login_lifetime < self.login_timeout:
            raise ValueError("pending_login_lifetime must be at least login_timeout (v1.1.3 answers 210 until then)")
        return self


class RuleMatch(_Spec):
    """Which IniciarSesion/CerrarSesion posts a rule applies to; absent keys match anything."""

    action: Literal["start", "close"] | None = None
    RunAlumno: str | None = None
    CodSence: str | None = None
    CodigoCurso: str | None = None
    RutOtec: str | None = None


class OutcomeSpec(_Spec):
    """What SENCE does for a matched post instead of (or on top of) its normal rules."""

    glosa: GlosaCode | list[GlosaCode] | None = Field(None, description="Forced GlosaError (a list is ';'-joined).")
    after_login: bool | None = Field(
        None, description="Send the forced glosa after the login page; absent: only for 100, 210, 311 and 312."
    )
    auto_login: bool = Field(False, description="Succeed without showing the login page (headless CI).")
    delay: float = Field(0, ge=0, le=120, description="Seconds (real time) SENCE waits before answering.")
    callback: Literal["normal", "none", "duplicate"] = Field(
        "normal", description="none: abandoned login, no callback at all; duplicate: the callback is posted twice."
    )
    http_status: Literal[500, 503] | None = Field(None, description="SENCE fails with this HTTP status.")

    @property
    def codes(self) -> list[int]:
        if self.glosa is None:
            return []
        return list(self.glosa) if isinstance(self.glosa, list) else [self.glosa]


class RuleSpec(_Spec):
    """A scripted outcome: ``outcome`` for the first ``times`` matches, or one ``sequence`` item per match."""

    name: str = ""
    match: RuleMatch = Field(default_factory=RuleMatch)
    outcome: OutcomeSpec | None = None
    times: int | None = Field(None, ge=1, description="Apply to the first N matches only; absent: always.")
    sequence: list[OutcomeSpec] | None = Field(None, description="Successive matches get successive outcomes.")

    @model_validator(mode="after")
    def _one_outcome(self) -> RuleSpec:
        if (self.outcome is None) == (self.sequence is None):
            raise ValueError("a rule needs exactly one of 'outcome' or 'sequence'")
        if self.sequence is not None and self.times is not None:
            raise ValueError("'times' applies to 'outcome'; a 'sequence' ends with its last item")
        return self

    def outcome_for(self, hit: int) -> OutcomeSpec | None:
        """The outcome for the ``hit``-th match (0-based), or None when the rule is used up."""
        if self.sequence is not None:
            return self.sequence[hit] if hit < len(self.sequence) else None
        if self.times is not None and hit >= self.times:
            return None
        return self.outcome


class SenceScenario(SenceWorld):
    manual: Manual = Field("1.1.6", description="Manual version: 1.1.6 / 1.1.5 (ClaveÚnica) or 1.1.3 (Clave SENCE).")
    settings: SenceSettings = Field(default_factory=SenceSettings)
    rules: list[RuleSpec] = Field(default_factory=list, description="Scripted outcomes, first match wins.")
