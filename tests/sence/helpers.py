"""Helpers for SENCE tests: the demo post, HTML form parsing, following SENCE's pages like a browser."""

from __future__ import annotations

from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

import httpx

from tests.harness import ROOT, Harness

SCENARIOS = ROOT / "scenarios"
ERRORS = SCENARIOS / "sence-errors.yaml"
SUCCESS = SCENARIOS / "sence-success.yaml"

RUT_OTEC = "76543210-3"
TOKEN = "5EEBF607-25A9-4DB2-A4DD-5D31BDAE3220"
RUN = "12345678-5"
OTHER_RUN = "18765432-7"
RETOMA = "http://lms.example/sence/exito.php?curso=2&tipo=login"
ERROR = "http://lms.example/sence/error.php?curso=2"

START_FIELDS = [
    "RutOtec",
    "Token",
    "CodSence",
    "CodigoCurso",
    "LineaCapacitacion",
    "RunAlumno",
    "IdSesionAlumno",
    "UrlRetoma",
    "UrlError",
]
START_CALLBACK = [
    "CodSence",
    "CodigoCurso",
    "IdSesionAlumno",
    "IdSesionSence",
    "RunAlumno",
    "FechaHora",
    "ZonaHoraria",
    "LineaCapacitacion",
]
CLOSE_CALLBACK = [name for name in START_CALLBACK if name != "IdSesionSence"]


def demo_post(**changes: str | None) -> dict[str, str]:
    """The demo's valid IniciarSesion fields; a None change leaves the field out."""
    fields = {
        "RutOtec": RUT_OTEC,
        "Token": TOKEN,
        "CodSence": "1238008244",
        "CodigoCurso": "6071806",
        "LineaCapacitacion": "3",
        "RunAlumno": RUN,
        "IdSesionAlumno": "sess-abc-123",
        "UrlRetoma": RETOMA,
        "UrlError": ERROR,
    }
    for name, value in changes.items():
        if value is None:
            fields.pop(name, None)
        else:
            fields[name] = value
    return fields


@dataclass
class Form:
    id: str
    action: str
    method: str
    attrs: dict[str, str]
    fields: list[tuple[str, str]] = field(default_factory=list)

    @property
    def names(self) -> list[str]:
        return [name for name, _ in self.fields]

    @property
    def values(self) -> dict[str, str]:
        return dict(self.fields)


class _FormParser(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.forms: list[Form] = []
        self._current: Form | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = {k: v or "" for k, v in attrs}
        if tag == "form":
            self._current = Form(values.get("id", ""), values.get("action", ""), values.get("method", "get"), values)
            self.forms.append(self._current)
        elif tag == "input" and self._current is not None and "name" in values:
            self._current.fields.append((values["name"], values.get("value", "")))

    def handle_endtag(self, tag: str) -> None:
        if tag == "form":
            self._current = None


def forms(page: str) -> list[Form]:
    parser = _FormParser()
    parser.feed(page)
    return parser.forms


def form(page: str, form_id: str) -> Form:
    for found in forms(page):
        if found.id == form_id:
            return found
    raise AssertionError(f"no form #{form_id} in page:\n{page[:3000]}")


def callback(page: str) -> Form:
    """The auto-posting callback form of a SENCE page."""
    return form(page, "sence-callback")


def start(h: Harness, fields: dict[str, str], env: str = "rce", action: str = "IniciarSesion") -> httpx.Response:
    return h.client.post(f"/{env}/Registro/{action}", data=fields)


def login(h: Harness, page: str, run: str = RUN, password: str = "demo") -> httpx.Response:
    """Type RUN and password on SENCE's login page."""
    login_form = form(page, "sence-login")
    data = {**login_form.values, "run": run, "clave": password}
    return h.client.post(login_form.action, data=data)


def started_session(h: Harness, env: str = "rce", **changes: str | None) -> Form:
    """Start a session through the login page; the success callback form."""
    page = start(h, demo_post(**changes), env)
    assert page.status_code == 200, page.text
    done = login(h, page.text, run=changes.get("RunAlumno") or RUN)
    return callback(done.text)


def close_post(id_sesion_sence: str, **changes: str | None) -> dict[str, str]:
    fields = demo_post()
    ordered = {name: fields[name] for name in START_FIELDS[:7]}
    ordered["IdSesionSence"] = id_sesion_sence
    ordered["UrlRetoma"] = "http://lms.example/sence/exito.php?curso=2&tipo=logout"
    ordered["UrlError"] = "http://lms.example/sence/error.php?curso=2&tipo=logout"
    for name, value in changes.items():
        if value is None:
            ordered.pop(name, None)
        else:
            ordered[name] = value
    return ordered


def register(h: Harness) -> dict[str, Any]:
    response = h.client.get("/rce/registro.json")
    assert response.status_code == 200
    body: dict[str, Any] = response.json()
    return body


FORM = {"content-type": "application/x-www-form-urlencoded"}


def encoded(pairs: list[tuple[str, str]]) -> str:
    return urlencode(pairs)


def submit(h: Harness, found: Form) -> httpx.Response:
    """Submit a parsed form as a browser would: POST, urlencoded, fields in page order."""
    return h.client.post(found.action, content=encoded(found.fields), headers=FORM)


def scenario(name: str) -> Path:
    return SCENARIOS / name
