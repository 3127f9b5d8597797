"""The manual's checks on an IniciarSesion / CerrarSesion post, from plain values to GlosaError codes.

The order of the checks is not in the manual; it is ours (docs/sence.md): URLs first (they decide
where an error can be sent), then presence, formats, the OTEC's token, the codes, and last the
checks against the course action in SENCE's catalogue.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from urllib.parse import urlsplit

from mockserver.sence import rut
from mockserver.sence.glosas import Manual
from mockserver.sence.protocol import MAX_LENGTH
from mockserver.sence.records import Action, Environment
from mockserver.sence.spec import SenceSettings
from mockserver.sence.world import SenceCatalog

WILDCARD = "-1"
_TOKEN = re.compile(r"[0-9A-Fa-f]{8}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{12}")
_CODSENCE = re.compile(r"[0-9]{10}")
_CODIGO_CURSO = re.compile(r"[A-Za-z0-9-]+")
_LINEA = re.compile(r"[0-9]{1,3}")
LINEAS: dict[Manual, frozenset[int]] = {
    "1.1.6": frozenset({1, 3, 6}),
    "1.1.5": frozenset({1, 3}),
    "1.1.3": frozenset({1, 3}),
}


@dataclass(frozen=True)
class Context:
    action: Action
    environment: Environment
    manual: Manual
    settings: SenceSettings
    catalog: SenceCatalog
    today: date

    @property
    def url_max_length(self) -> int:
        """0 means no limit."""
        if self.settings.url_max_length is not None:
            return self.settings.url_max_length
        if not self.settings.url_length_check:
            return 0  # the manual's length is a declared field size, not an observed check
        return 200 if self.manual == "1.1.3" else 100


def blank(value: str | None) -> bool:
    return value is None or value.strip() == ""


def url_ok(value: str, max_length: int) -> bool:
    """An absolute http(s) URL of printable ASCII within the length limit."""
    if max_length and len(value) > max_length:
        return False
    if any(not 33 <= ord(ch) <= 126 for ch in value):
        return False
    try:
        parts = urlsplit(value)
        _ = parts.port
    except ValueError:
        return False
    return parts.scheme.lower() in ("http", "https") and bool(parts.hostname)


def url_codes(fields: dict[str, str], max_length: int) -> list[int]:
    """201 (a URL missing), 203 (UrlError malformed), 202 (UrlRetoma malformed)."""
    retoma, error = fields.get("UrlRetoma"), fields.get("UrlError")
    codes = []
    if blank(retoma) or blank(error):
        codes.append(201)
    if not blank(error) and not url_ok(error or "", max_length):
        codes.append(203)
    if not blank(retoma) and not url_ok(retoma or "", max_length):
        codes.append(202)
    return codes


def error_url_usable(fields: dict[str, str], max_length: int) -> bool:
    """Whether an error callback can be sent at all (UrlError present and well formed)."""
    error = fields.get("UrlError")
    return not blank(error) and url_ok(error or "", max_length)


def parse_linea(value: str | None) -> int | None:
    if value is None or not _LINEA.fullmatch(value.strip()):
        return None
    return int(value.strip())


def _mandatory(ctx: Context, fields: dict[str, str]) -> list[str]:
    names = ["RutOtec", "Token", "CodSence", "CodigoCurso", "LineaCapacitacion", "RunAlumno", "IdSesionAlumno"]
    if ctx.action == "close":
        names.append("IdSesionSence")
    if parse_linea(fields.get("LineaCapacitacion")) == 1:
        names.remove("CodSence")  # Programas Sociales: "dejar en blanco" (Anexo 5)
    return names


def _token_codes(ctx: Context, rut_otec: str | None, token: str | None, rut_ok: bool) -> list[int]:
    if blank(token):
        return []
    assert token is not None
    owner = ctx.catalog.token(token) if _TOKEN.fullmatch(token) else None
    if owner is None:
        return [303]
    if not rut_ok or rut_otec is None:
        return []
    if rut.normalise(owner.otec.rut) != rut.normalise(rut_otec):
        return [211]
    if not owner.vigente:
        return [212]
    if not owner.otec.vigente:
        return [302]
    return []


def check(ctx: Context, fields: dict[str, str]) -> list[int]:
    """Every GlosaError code the post earns, in check order (the first one is what SENCE sends)."""
    codes = url_codes(fields, ctx.url_max_length)
    codes += [200] if any(blank(fields.get(name)) for name in _mandatory(ctx, fields)) else []

    def present(name: str) -> str | None:
        value = fields.get(name)
        return None if blank(value) else value

    rut_otec = present("RutOtec")
    rut_ok = rut_otec is not None and rut.is_valid(rut_otec)
    if rut_otec is not None and not rut_ok:
        codes.append(209)
    codes += _token_codes(ctx, rut_otec, present("Token"), rut_ok)

    raw_linea = present("LineaCapacitacion")
    linea = parse_linea(raw_linea)
    if raw_linea is not None and linea not in LINEAS[ctx.manual]:
        codes.append(206)
        linea = None
    test = ctx.environment == "rcetest"

    codsence = present("CodSence")
    codsence_wild = test and codsence == WILDCARD
    checks_codsence = codsence is not None and linea != 1 and not codsence_wild
    if checks_codsence and not (_CODSENCE.fullmatch(codsence or "") and codsence in ctx.catalog.codsences):
        codes.append(204)

    codigo = present("CodigoCurso")
    codigo_wild = test and codigo == WILDCARD
    action_spec = None
    if codigo is not None and not codigo_wild:
        min_length = 1 if (linea == 6 and ctx.manual == "1.1.6") else 7
        action_spec = ctx.catalog.action(codigo)
        well_formed = min_length <= len(codigo) <= MAX_LENGTH["CodigoCurso"] and _CODIGO_CURSO.fullmatch(codigo)
        if not well_formed or action_spec is None:
            codes.append(205)
            action_spec = None

    run = present("RunAlumno")
    run_ok = run is not None and rut.is_valid(run)
    if run is not None and not run_ok:
        codes.append(207)

    for name in ("IdSesionAlumno", "IdSesionSence"):
        value = fields.get(name)
        if value is not None and len(value) > MAX_LENGTH[name]:
            codes.append(304)
            break

    if action_spec is not None:
        if checks_codsence and linea is not None and action_spec.codsence != codsence:
            codes.append(306)
        if rut_ok and rut_otec is not None and rut.normalise(action_spec.otec) != rut.normalise(rut_otec):
            codes.append(308)
        if linea is not None and action_spec.linea != linea:
            codes.append(301)
        if action_spec.modalidad != "elearning":
            codes.append(307)
        if action_spec.estado != "vigente":
            codes.append(310)
        first, last = ctx.catalog.execution_dates(action_spec)
        if not first <= ctx.today <= last:
            codes.append(309)
        if run_ok and run is not None and not ctx.catalog.authorised(action_spec, run):
            codes.append(208)
    return codes
