"""The wire: field names and orders from the manual's tables, and form-body decoding."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Literal
from urllib.parse import unquote_to_bytes

from mockserver.sence.records import Action

START_FIELDS = (
    "RutOtec",
    "Token",
    "CodSence",
    "CodigoCurso",
    "LineaCapacitacion",
    "RunAlumno",
    "IdSesionAlumno",
    "UrlRetoma",
    "UrlError",
)
CLOSE_FIELDS = (*START_FIELDS[:7], "IdSesionSence", "UrlRetoma", "UrlError")
START_CALLBACK = (
    "CodSence",
    "CodigoCurso",
    "IdSesionAlumno",
    "IdSesionSence",
    "RunAlumno",
    "FechaHora",
    "ZonaHoraria",
    "LineaCapacitacion",
)
CLOSE_CALLBACK = tuple(name for name in START_CALLBACK if name != "IdSesionSence")

# Declared lengths ("Largo") of the request fields.
MAX_LENGTH = {
    "RutOtec": 10,
    "Token": 36,
    "CodSence": 10,
    "CodigoCurso": 50,
    "RunAlumno": 10,
    "IdSesionAlumno": 149,
    "IdSesionSence": 149,
}


def request_fields(action: Action) -> tuple[str, ...]:
    return START_FIELDS if action == "start" else CLOSE_FIELDS


def callback_fields(action: Action) -> tuple[str, ...]:
    return START_CALLBACK if action == "start" else CLOSE_CALLBACK


def decode_urlencoded(body: bytes, charset: str = "utf-8") -> list[tuple[str, str]]:
    """``application/x-www-form-urlencoded`` pairs; undecodable bytes become U+FFFD."""
    pairs = []
    for chunk in body.split(b"&"):
        if not chunk:
            continue
        raw_name, _, raw_value = chunk.partition(b"=")
        name = unquote_to_bytes(raw_name.replace(b"+", b" ")).decode(charset, "replace")
        value = unquote_to_bytes(raw_value.replace(b"+", b" ")).decode(charset, "replace")
        pairs.append((name, value))
    return pairs


def collapse(pairs: Iterable[tuple[str, str]], mode: Literal["join", "first", "last"]) -> dict[str, str]:
    """One value per name. ``join`` mimics classic ASP's ``Request.Form``: 'a, b'."""
    grouped: dict[str, list[str]] = {}
    for name, value in pairs:
        grouped.setdefault(name, []).append(value)
    if mode == "first":
        return {name: values[0] for name, values in grouped.items()}
    if mode == "last":
        return {name: values[-1] for name, values in grouped.items()}
    return {name: ", ".join(values) for name, values in grouped.items()}
