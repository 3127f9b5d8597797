"""SENCE RCE routes (filled in by the SENCE work)."""

from __future__ import annotations

from starlette.routing import BaseRoute


def sence_routes() -> list[BaseRoute]:
    return []
