"""Look-ups over what SENCE knows (OTECs, tokens, course actions, students), from the scenario."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from mockserver.sence import chiletime, rut
from mockserver.sence.spec import OtecSpec, SenceCourseSpec, SenceScenario, SenceStudentSpec

DEFAULT_START_DAYS = -30
DEFAULT_END_DAYS = 60


@dataclass(frozen=True)
class TokenOwner:
    otec: OtecSpec
    vigente: bool


class SenceCatalog:
    def __init__(self, scenario: SenceScenario, started: float, zone: str = "America/Santiago") -> None:
        self.scenario = scenario
        self._start_day = chiletime.today(started, zone)
        self.otecs = {rut.normalise(o.rut): o for o in scenario.otecs}
        self.tokens: dict[str, TokenOwner] = {}
        for otec in scenario.otecs:
            for token in otec.tokens:
                self.tokens[token.token.upper()] = TokenOwner(otec, token.vigente)
        self.actions = {c.codigocurso: c for c in scenario.courses}
        self.codsences = {c.codsence for c in scenario.courses if c.codsence}
        self.students = {rut.normalise(s.run): s for s in scenario.students}

    def otec(self, rut_otec: str) -> OtecSpec | None:
        return self.otecs.get(rut.normalise(rut_otec))

    def token(self, token: str) -> TokenOwner | None:
        return self.tokens.get(token.upper())

    def action(self, codigo_curso: str) -> SenceCourseSpec | None:
        return self.actions.get(codigo_curso)

    def student(self, run: str) -> SenceStudentSpec | None:
        return self.students.get(rut.normalise(run))

    def _day(self, value: date | int | None, default: int) -> date:
        if isinstance(value, date):
            return value
        return self._start_day + timedelta(days=default if value is None else value)

    def execution_dates(self, course: SenceCourseSpec) -> tuple[date, date]:
        return self._day(course.inicio, DEFAULT_START_DAYS), self._day(course.termino, DEFAULT_END_DAYS)

    def authorised(self, course: SenceCourseSpec, run: str) -> bool:
        wanted = rut.normalise(run)
        return any(rut.normalise(p) == wanted for p in course.participantes)
