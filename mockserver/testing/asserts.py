"""Assertions over a tenant's journal and world, with failure messages that say what happened instead.

::

    assert_login_url_requested(tenant, "alumno1")            # exactly once
    assert_called(tenant, path="/login/token.php", count=0)
    assert_sence_attendance(tenant, "12345678-5")             # a successful IniciarSesion

On failure the message names the nearest requests and what differed (from the server's
``/verify``), or the attendance register as it stands.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from mockserver.testing.client import TenantClient

LOGIN_URL_FUNCTION = "auth_userkey_request_login_url"


def assert_called(tenant: TenantClient, **expectation: Any) -> dict[str, Any]:
    """Requests matching the pattern (method, path, wsfunction, user, params, status, since, until)
    number ``count`` (or ``at_least`` / ``at_most``; default at least one)."""
    __tracebackhide__ = True
    result = tenant.verify(**expectation)
    if not result["ok"]:
        raise AssertionError(f"mockserver tenant {tenant.name!r}: {result['message']}")
    return result


def assert_not_called(tenant: TenantClient, **pattern: Any) -> dict[str, Any]:
    __tracebackhide__ = True
    return assert_called(tenant, **pattern, count=0)


def assert_login_url_requested(tenant: TenantClient, username: str, *, times: int | None = 1) -> dict[str, Any]:
    """``auth_userkey_request_login_url`` was called for ``username`` exactly ``times`` times
    (``times=None``: at least once). ``username`` is the value of ``user[<mapping field>]``."""
    __tracebackhide__ = True
    if times is None:
        return assert_called(tenant, wsfunction=LOGIN_URL_FUNCTION, user=username)
    return assert_called(tenant, wsfunction=LOGIN_URL_FUNCTION, user=username, count=times)


def normalise_run(run: str) -> str:
    """``12.345.678-5`` and ``12345678-5`` are the same RUN; the check digit is case-insensitive."""
    return run.replace(".", "").replace(" ", "").upper()


def _describe(entry: dict[str, Any]) -> str:
    fields = ("RunAlumno", "action", "result", "GlosaError", "CodSence", "CodigoCurso", "FechaHora")
    return ", ".join(f"{k}={entry[k]}" for k in fields if entry.get(k) not in (None, ""))


def assert_sence_attendance(
    tenant: TenantClient, run: str, *, action: str | None = "start", result: str | None = "success", **fields: Any
) -> list[dict[str, Any]]:
    """SENCE's register holds an entry for ``run`` (default: a successful IniciarSesion), optionally
    also matching other register fields (``CodSence=...``, ``CodigoCurso=...``)."""
    __tracebackhide__ = True
    register: list[dict[str, Any]] = tenant.sence()["attendance"]
    wanted = normalise_run(run)
    criteria = {k: v for k, v in {"action": action, "result": result, **fields}.items() if v is not None}
    found = [
        e
        for e in register
        if normalise_run(str(e.get("RunAlumno", ""))) == wanted
        and all(str(e.get(k)) == str(v) for k, v in criteria.items())
    ]
    if found:
        return found
    wanted_text = ", ".join(f"{k}={v}" for k, v in criteria.items())
    lines = [f"mockserver tenant {tenant.name!r}: no SENCE attendance recorded for RUN {run} ({wanted_text})."]
    if register:
        lines.append("the register holds:")
        lines += [f"  {_describe(e)}" for e in register[-10:]]
    else:
        lines.append("the register is empty: SENCE received no IniciarSesion/CerrarSesion for this tenant.")
    raise AssertionError("\n".join(lines))
