"""SENCE alone on its own port (``mockserver serve --sence-port N``), over the same tenants.

Real SENCE lives on another origin than the LMS: the return to the LMS is a cross-site POST,
so cookie rules apply. Serving the RCE paths on a second port reproduces that.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from starlette.applications import Starlette
from starlette.types import ASGIApp

from mockserver.sence.routes import protocol_routes
from mockserver.tenancy import TenantDispatch

if TYPE_CHECKING:
    from mockserver.app import MockServerApp


def create_sence_app(main_app: MockServerApp, public_url: str | None = None) -> ASGIApp:
    """An ASGI app with only SENCE's routes, serving ``main_app``'s tenants.

    ``public_url`` (scheme://host:port of this app) becomes the default SENCE URL of the Moodle
    gate, so the demo's "Iniciar sesión con SENCE" goes to the other origin.
    """
    starlette = Starlette(routes=protocol_routes())
    starlette.state.config = main_app.config
    starlette.state.tenants = main_app.tenants
    if public_url:
        main_app.starlette.state.sence_url = public_url.rstrip("/")
    # Same journal and faults as the main port, per tenant.
    return TenantDispatch(main_app.instrumented(starlette), main_app.tenants)
