"""The fake SENCE: what happens to an IniciarSesion / CerrarSesion post and to a login on its page.

Plain values in, an ``Answer`` out; the register and sessions are written through the store.
"""

from __future__ import annotations

import random
import uuid
from dataclasses import replace
from urllib.parse import urlsplit

from mockserver.sence import chiletime, rules, rut, validation
from mockserver.sence.outcomes import (
    Answer,
    Callback,
    ErrorPage,
    HttpFailure,
    LoginPage,
    NoCallback,
    Notice,
    Result,
)
from mockserver.sence.protocol import callback_fields, request_fields
from mockserver.sence.records import Action, Environment, LoginAttempt, RegisterEntry, SenceSession
from mockserver.sence.records import Result as EntryResult
from mockserver.sence.spec import OutcomeSpec, SenceScenario
from mockserver.sence.store import SenceStore
from mockserver.sence.world import SenceCatalog
from mockserver.world.clock import Clock

WRONG_CREDENTIALS = "RUN o ClaveÚnica incorrectos. Inténtalo nuevamente."
WRONG_CLAVE_SENCE = "RUT o Clave SENCE incorrectos."
UNKNOWN_ATTEMPT = "La solicitud de inicio o cierre de sesión no existe o ya fue procesada."


class SenceService:
    def __init__(self, scenario: SenceScenario, store: SenceStore, clock: Clock, rng: random.Random) -> None:
        self.scenario = scenario
        self.settings = scenario.settings
        self.store = store
        self.clock = clock
        self.rng = rng
        self.catalog = SenceCatalog(scenario, store.started, self.settings.fechahora_timezone)

    @property
    def legacy(self) -> bool:
        """v1.1.3: Clave SENCE, attempts and a time limit; no 311-313."""
        return self.scenario.manual == "1.1.3"

    # -- posts from the OTEC platform ---------------------------------------------------------

    def post(self, action: Action, environment: Environment, raw: dict[str, str]) -> Answer:
        fields = {name: raw[name] for name in request_fields(action) if name in raw}
        now = self.clock.now()
        entry = self.store.add_entry(self._entry(action, environment, fields, now))
        outcome = rules.select(self.scenario.rules, self.store, action, fields)
        delay = outcome.delay if outcome else 0.0
        return Answer(self._post(action, environment, fields, entry, outcome, now), delay)

    def _post(
        self,
        action: Action,
        environment: Environment,
        fields: dict[str, str],
        entry: RegisterEntry,
        outcome: OutcomeSpec | None,
        now: float,
    ) -> Result:
        if outcome is not None and outcome.http_status is not None:
            self._finish(entry, "http_500" if outcome.http_status == 500 else "http_503", now)
            return HttpFailure(outcome.http_status)
        ctx = self._context(action, environment, now)
        forced = outcome.codes if outcome else []
        forced_later = outcome is not None and bool(forced) and rules.glosa_after_login(outcome)
        if forced and not forced_later:
            return self._error(action, fields, entry, forced, now, join=True)
        found = validation.check(ctx, fields)
        immediate = [c for c in found if c not in self.settings.after_login_codes]
        deferred = [c for c in found if c in self.settings.after_login_codes]
        if immediate:
            return self._error(action, fields, entry, immediate, now)
        if action == "close":
            problem = self._close_problem(environment, fields, now)
            if problem is not None:
                return self._error(action, fields, entry, [problem], now)
        attempt = LoginAttempt(
            id=f"{self.rng.getrandbits(128):032x}",
            action=action,
            environment=environment,
            fields=fields,
            entry_id=entry.id,
            created=now,
            deferred_codes=deferred,
            forced_codes=list(forced) if forced_later else [],
            callback=outcome.callback if outcome else "normal",
        )
        skip_login = (outcome is not None and outcome.auto_login) or (
            action == "close" and not self.settings.close_requires_login
        )
        if skip_login:
            return self._complete(attempt, None, now)
        self.store.add_attempt(attempt)
        return self._login_page(attempt, now)

    def _close_problem(self, environment: Environment, fields: dict[str, str], now: float) -> int | None:
        """CerrarSesion must match an open session of this student, course and OTEC."""
        session = self.store.session(fields.get("IdSesionSence", ""))
        if (
            session is None
            or not session.is_open
            or session.environment != environment
            or rut.normalise(session.RunAlumno) != rut.normalise(fields.get("RunAlumno", ""))
            or session.CodigoCurso != fields.get("CodigoCurso")
            or rut.normalise(session.RutOtec) != rut.normalise(fields.get("RutOtec", ""))
            or (self.settings.session_max_age is not None and now - session.started > self.settings.session_max_age)
        ):
            return self.settings.close_unknown_code
        moved = _origin(fields.get("UrlRetoma", "")) != _origin(session.UrlRetoma)
        if self.settings.close_url_check and not self.legacy and moved:
            return 313
        return None

    # -- the login page -----------------------------------------------------------------------

    def login(self, environment: Environment, attempt_id: str, typed_run: str, password: str) -> Answer:
        now = self.clock.now()
        attempt = self.store.attempt(attempt_id)
        if attempt is None or attempt.environment != environment:
            return Answer(Notice(404, "Solicitud no encontrada", UNKNOWN_ATTEMPT))
        if self.legacy and now - attempt.created > self.settings.login_timeout:
            return Answer(self._take_and_fail(attempt, [210], now))
        if not self._authenticate(attempt, typed_run, password):
            attempt.failures += 1
            self._count_attempt(attempt)
            if self.legacy:
                if attempt.failures >= self.settings.login_attempts:
                    return Answer(self._take_and_fail(attempt, [100], now))
                self.store.save_attempt(attempt)
                left = self.settings.login_attempts - attempt.failures
                return Answer(self._login_page(attempt, now, WRONG_CLAVE_SENCE, left))
            self.store.save_attempt(attempt)
            return Answer(self._login_page(attempt, now, WRONG_CREDENTIALS))
        taken = self.store.take_attempt(attempt.id)
        if taken is None:
            return Answer(Notice(404, "Solicitud no encontrada", UNKNOWN_ATTEMPT))
        return Answer(self._complete(attempt, typed_run, now))

    def _authenticate(self, attempt: LoginAttempt, typed_run: str, password: str) -> bool:
        # Clave SENCE: the RUT is the one the OTEC sent (read-only on the page).
        if self.legacy and rut.normalise(typed_run) != rut.normalise(attempt.fields.get("RunAlumno", "")):
            return False
        run = rut.normalise(typed_run)
        if not rut.is_valid(run):
            return False
        student = self.catalog.student(run)
        if student is not None:
            return password == student.password and not (self.legacy and student.bloqueado)
        default = self.settings.default_password
        return default is not None and password == default

    def _count_attempt(self, attempt: LoginAttempt) -> None:
        entry = self.store.entry(attempt.entry_id)
        if entry is not None:
            self.store.save_entry(replace(entry, attempts=attempt.failures))

    def _take_and_fail(self, attempt: LoginAttempt, codes: list[int], now: float) -> Result:
        if self.store.take_attempt(attempt.id) is None:
            return Notice(404, "Solicitud no encontrada", UNKNOWN_ATTEMPT)
        return self._error_for(attempt, codes, now)

    def _login_page(
        self, attempt: LoginAttempt, now: float, message: str = "", remaining_attempts: int | None = None
    ) -> LoginPage:
        if not self.legacy:
            return LoginPage(attempt, message)
        left = max(0, int(self.settings.login_timeout - (now - attempt.created)))
        attempts = remaining_attempts if remaining_attempts is not None else self.settings.login_attempts
        return LoginPage(attempt, message, attempts, left)

    # -- completion ---------------------------------------------------------------------------

    def _complete(self, attempt: LoginAttempt, typed_run: str | None, now: float) -> Result:
        """After a successful login (``typed_run``) or without one (auto-login: None)."""
        if attempt.callback == "none":
            # Scripted abandonment: whatever the login would give, nothing goes back to the OTEC.
            self._finish(self._entry_of(attempt), "no_callback", now)
            return NoCallback(attempt.action)
        result = self._after_login(attempt, typed_run, now)
        if attempt.callback == "duplicate" and isinstance(result, Callback):
            return replace(result, duplicate=True)
        return result

    def _after_login(self, attempt: LoginAttempt, typed_run: str | None, now: float) -> Result:
        fields = attempt.fields
        if attempt.forced_codes:
            return self._error_for(attempt, attempt.forced_codes, now, join=True)
        if typed_run is not None and not self.legacy:
            if rut.normalise(typed_run) != rut.normalise(fields.get("RunAlumno", "")):
                return self._error_for(attempt, [311], now)
            student = self.catalog.student(typed_run)
            if student is not None and student.bloqueado:
                return self._error_for(attempt, [312], now)
        if attempt.deferred_codes:
            return self._error_for(attempt, attempt.deferred_codes, now)
        if attempt.action == "start":
            return self._start_session(attempt, now)
        return self._close_session(attempt, now)

    def _start_session(self, attempt: LoginAttempt, now: float) -> Result:
        fields = attempt.fields
        stamp = self._fechahora(now)
        while True:
            session = SenceSession(
                IdSesionSence=self._new_session_id(),
                environment=attempt.environment,
                RutOtec=fields["RutOtec"],
                CodSence=fields.get("CodSence", ""),
                CodigoCurso=fields["CodigoCurso"],
                LineaCapacitacion=validation.parse_linea(fields.get("LineaCapacitacion")) or 0,
                RunAlumno=fields["RunAlumno"],
                IdSesionAlumno=fields["IdSesionAlumno"],
                UrlRetoma=fields["UrlRetoma"],
                started=now,
                FechaHora=stamp,
            )
            if self.store.add_session(session):
                break
        values = self._callback_values("start", fields, stamp, session.IdSesionSence)
        entry = self._entry_of(attempt)
        self._finish(entry, "success", now, stamp=stamp, url=fields["UrlRetoma"], id_sesion_sence=session.IdSesionSence)
        return Callback(fields["UrlRetoma"], values)

    def _close_session(self, attempt: LoginAttempt, now: float) -> Result:
        fields = attempt.fields
        session = self.store.session(fields.get("IdSesionSence", ""))
        if session is None or not self.store.close_session(session.IdSesionSence, now):
            return self._error_for(attempt, [self.settings.close_unknown_code], now)
        stamp = self._fechahora(now)
        shown = session.FechaHora if self.settings.close_fechahora == "start" else stamp
        values = self._callback_values("close", fields, shown, "")
        entry = self._entry_of(attempt)
        self._finish(entry, "success", now, stamp=shown, url=fields["UrlRetoma"], id_sesion_sence=session.IdSesionSence)
        return Callback(fields["UrlRetoma"], values)

    # -- errors -------------------------------------------------------------------------------

    def _error_for(self, attempt: LoginAttempt, codes: list[int], now: float, join: bool = False) -> Result:
        return self._error(attempt.action, attempt.fields, self._entry_of(attempt), codes, now, join=join)

    def _error(
        self,
        action: Action,
        fields: dict[str, str],
        entry: RegisterEntry,
        codes: list[int],
        now: float,
        join: bool = False,
    ) -> Result:
        sent = codes if (join or self.settings.multiple_errors) else codes[:1]
        glosa = ";".join(str(code) for code in sent)
        stamp = self._fechahora(now)
        max_length = self._context(action, entry.environment, now).url_max_length
        if not validation.error_url_usable(fields, max_length):
            self._finish(entry, "error", now, stamp=stamp, glosa=glosa)
            return ErrorPage(tuple(sent))
        values = self._callback_values(action, fields, stamp, "", error=True)
        if action == "start" and self.settings.error_id_sesion_sence == "omit":
            values = tuple(pair for pair in values if pair[0] != "IdSesionSence")
        self._finish(entry, "error", now, stamp=stamp, glosa=glosa, url=fields["UrlError"])
        return Callback(fields["UrlError"], (*values, ("GlosaError", glosa)), error=True)

    # -- helpers ------------------------------------------------------------------------------

    def _context(self, action: Action, environment: Environment, now: float) -> validation.Context:
        today = chiletime.today(now, self.settings.fechahora_timezone)
        return validation.Context(action, environment, self.scenario.manual, self.settings, self.catalog, today)

    def _callback_values(
        self, action: Action, fields: dict[str, str], stamp: str, id_sesion_sence: str, error: bool = False
    ) -> tuple[tuple[str, str], ...]:
        computed = {
            "IdSesionSence": id_sesion_sence,
            "FechaHora": stamp,
            "ZonaHoraria": self.settings.zona_horaria,
        }
        if not error:
            computed["LineaCapacitacion"] = str(validation.parse_linea(fields.get("LineaCapacitacion")))
        return tuple((name, computed.get(name, fields.get(name, ""))) for name in callback_fields(action))

    def _fechahora(self, now: float) -> str:
        return chiletime.fechahora(now, self.settings.fechahora_timezone)

    def _new_session_id(self) -> str:
        shape = self.settings.id_sesion_sence
        if shape == "guid":
            return str(uuid.UUID(int=self.rng.getrandbits(128), version=4)).upper()
        if shape == "hex":
            return f"{self.rng.getrandbits(128):032x}"
        return str(self.rng.randrange(10**9, 10**10))

    def _entry(self, action: Action, environment: Environment, fields: dict[str, str], now: float) -> RegisterEntry:
        return RegisterEntry(
            id=0,
            time=now,
            action=action,
            environment=environment,
            RutOtec=fields.get("RutOtec", ""),
            CodSence=fields.get("CodSence", ""),
            CodigoCurso=fields.get("CodigoCurso", ""),
            LineaCapacitacion=fields.get("LineaCapacitacion", ""),
            RunAlumno=fields.get("RunAlumno", ""),
            IdSesionAlumno=fields.get("IdSesionAlumno", ""),
            IdSesionSence=fields.get("IdSesionSence", ""),
            FechaHora=self._fechahora(now),
        )

    def _entry_of(self, attempt: LoginAttempt) -> RegisterEntry:
        """The attempt's register entry; rebuilt from the attempt when the register let it go."""
        entry = self.store.entry(attempt.entry_id)
        if entry is not None:
            return entry
        rebuilt = self._entry(attempt.action, attempt.environment, attempt.fields, attempt.created)
        return replace(rebuilt, id=attempt.entry_id)

    def _finish(
        self,
        entry: RegisterEntry,
        result: EntryResult,
        now: float,
        *,
        stamp: str | None = None,
        glosa: str = "",
        url: str = "",
        id_sesion_sence: str | None = None,
    ) -> None:
        current = self.store.entry(entry.id) or entry
        self.store.save_entry(
            replace(
                current,
                result=result,
                GlosaError=glosa,
                completed=now,
                callback_url=url,
                FechaHora=stamp or current.FechaHora,
                IdSesionSence=current.IdSesionSence if id_sesion_sence is None else id_sesion_sence,
            )
        )


def _origin(url: str) -> tuple[str, str, int | None]:
    try:
        parts = urlsplit(url)
        return parts.scheme.lower(), (parts.hostname or "").lower(), parts.port
    except ValueError:
        return "", "", None
