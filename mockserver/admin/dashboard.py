"""The dashboard: one HTML page for demos and debugging (tenants, world, live keys, SENCE, journal).

Server-rendered with the same look as the Moodle pages; a few lines of script count login keys
down on the tenant's clock and refresh the live part every two seconds. With an admin token, open
``/__mock/dashboard?token=<token>`` once: the page sets an HttpOnly cookie and drops the token
from the address bar.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from starlette.requests import Request
from starlette.responses import HTMLResponse, RedirectResponse, Response

from mockserver.admin import auth, world_view
from mockserver.admin.api import PREFIX, admin_state, tenant_json
from mockserver.admin.journal import as_json
from mockserver.admin.state import UnknownTenant
from mockserver.templating import render
from mockserver.world.tenant import DEFAULT_TENANT

JOURNAL_ROWS = 50


ATTENDANCE_COLUMNS = (
    "RunAlumno",
    "action",
    "result",
    "GlosaError",
    "CodSence",
    "CodigoCurso",
    "FechaHora",
    "IdSesionSence",
)
SESSION_COLUMNS = ("IdSesionSence", "RunAlumno", "CodSence", "CodigoCurso", "FechaHora", "open")


def _columns(records: list[dict[str, Any]], preferred: tuple[str, ...]) -> list[str]:
    """The preferred columns the records have, else every key they have."""
    present: list[str] = []
    for record in records:
        present += [k for k in record if k not in present]
    chosen = [c for c in preferred if c in present]
    return chosen or present


async def dashboard(request: Request) -> Response:
    state = admin_state(request)
    presented = request.query_params.get("token")
    if presented is not None and auth.token_matches(state.config, presented):
        rest = {k: v for k, v in request.query_params.items() if k != "token"}
        target = f"{PREFIX}/dashboard" + (f"?{urlencode(rest)}" if rest else "")
        response = RedirectResponse(target, status_code=303)
        response.set_cookie(auth.COOKIE, presented, path=PREFIX, httponly=True, samesite="strict")
        return response
    try:
        auth.check(request, state.config)
    except auth.Denied as exc:
        return HTMLResponse(render("admin/denied.html", message=exc.message, prefix=PREFIX), status_code=exc.status)
    name = request.query_params.get("tenant", DEFAULT_TENANT)
    try:
        runtime = state.get(name)
    except UnknownTenant:
        runtime = state.runtime(state.tenants.default)
    tenant = runtime.tenant
    world = world_view.world_view(tenant)
    sence = world["sence"]
    context = {
        "prefix": PREFIX,
        "tenants": [tenant_json(request, r) for r in state.all()],
        "current": tenant_json(request, runtime),
        "world": world,
        "keys": world_view.keys_view(tenant, live_only=True),
        "sence_sessions": sence["sessions"],
        "sence_session_columns": _columns(sence["sessions"], SESSION_COLUMNS),
        "attendance": sence["attendance"],
        "attendance_columns": _columns(sence["attendance"], ATTENDANCE_COLUMNS),
        "faults": runtime.faults.to_json(),
        "global_faults": state.global_faults.to_json(),
        "journal": list(reversed(as_json(runtime.journal.entries()[-JOURNAL_ROWS:]))),
        "journal_status": runtime.journal.status(),
    }
    template = "admin/live.html" if request.query_params.get("partial") == "1" else "admin/dashboard.html"
    return HTMLResponse(render(template, **context), headers={"Cache-Control": "no-store"})


async def index(request: Request) -> Response:
    return RedirectResponse(f"{PREFIX}/dashboard", status_code=307)
