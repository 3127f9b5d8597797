"""Scenario format of the fake SENCE service and of the Moodle-side SENCE plugin."""

from __future__ import annotations

from datetime import date
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field


class _Spec(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class SenceTokenSpec(_Spec):
    token: str
    vigente: bool = Field(True, description="False: the OTEC revoked it (GlosaError 212).")


class OtecSpec(_Spec):
    rut: str = Field(description="RUT OTEC, xxxxxxxx-x.")
    name: str = ""
    tokens: list[SenceTokenSpec] = Field(default_factory=list)


class SenceCourseSpec(_Spec):
    """An action (CodigoCurso) of a SENCE course (CodSence) run by an OTEC."""

    codsence: str = Field("", description="10-digit course code; blank for línea 1.")
    codigocurso: str = Field(description="Action id (ID de acción).")
    linea: Literal[1, 3, 6] = 3
    otec: str = Field(description="RUT of the OTEC running the action.")
    name: str = ""
    modalidad: Literal["elearning", "presencial"] = "elearning"
    estado: Literal["vigente", "terminado", "anulado"] = "vigente"
    inicio: date | None = Field(None, description="First execution day; absent: 30 days before the clock start.")
    termino: date | None = Field(None, description="Last execution day; absent: 60 days after the clock start.")
    participantes: list[str] = Field(default_factory=list, description="Authorised RUNs.")


class SenceStudentSpec(_Spec):
    run: str
    password: str = "demo"
    nombre: str = ""


class SenceWorld(_Spec):
    otecs: list[OtecSpec] = Field(default_factory=list)
    courses: list[SenceCourseSpec] = Field(default_factory=list)
    students: list[SenceStudentSpec] = Field(default_factory=list)


class SenceScenario(SenceWorld):
    manual: Literal["1.1.6", "1.1.3"] = "1.1.6"


class SenceGateSettings(_Spec):
    """Moodle-side plugin: OTEC credentials, SENCE URL and how long a SENCE session lets a student in."""

    otec_rut: str = ""
    otec_token: str = ""
    url: str | None = Field(None, description="Base URL of SENCE's RCE (…/rce/ or …/rcetest/); absent: this server's fake.")
    validity: int | Literal["once"] = Field(10800, description="Seconds a SENCE session lets the student in, or 'once' per course.")
