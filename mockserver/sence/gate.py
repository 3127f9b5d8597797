"""Moodle-side SENCE course gate (filled in by the SENCE work)."""

from __future__ import annotations

from typing import Any

from starlette.responses import Response


async def course_gate(site: Any, browser: Any, params: Any, user: Any, course: Any, enrolment: Any) -> Response | None:
    return None
