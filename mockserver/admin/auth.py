"""Who may call the admin API.

1. With an admin token (``--admin-token`` / ``MOCKSERVER_ADMIN_TOKEN``): every admin request must
   carry ``Authorization: Bearer <token>`` (the dashboard may instead use the cookie it sets after
   ``/__mock/dashboard?token=<token>``).
2. Without a token: only loopback clients (127.0.0.0/8, ::1) whose request carries no proxy
   header (``Forwarded``, ``X-Forwarded-For``, ``X-Real-IP``): a demo server on a network cannot be
   reset by anyone else, and a reverse proxy on the same host does not turn everybody into a local
   client. ``--admin-open`` lifts the rule for isolated CI networks (e.g. a Docker network).
   In that mode the ``Host`` must also be a name the server is known by (an IP address,
   ``localhost``, the bound address, ``--public-url``, a tenant's wwwroot, ``--allowed-host``): a
   page on a DNS-rebound name reaches 127.0.0.1 as a same-origin page but still names its host.
3. Always: a state-changing request that a browser marks as coming from another site
   (``Sec-Fetch-Site`` cross-site/same-site, or an ``Origin`` that is not this host) is refused, so
   a web page cannot reset a local server behind the developer's back.

``/__mock/health``, ``/__mock/ready`` and ``/__mock/openapi.json`` are open to all.
"""

from __future__ import annotations

import ipaddress
import secrets
from urllib.parse import urlsplit

from starlette.requests import Request

from mockserver.config import ServerConfig
from mockserver.edge import host_allowed

COOKIE = "mockserver_admin"
_PROXY_HEADERS = ("forwarded", "x-forwarded-for", "x-real-ip")
_SAFE_METHODS = ("GET", "HEAD", "OPTIONS")


class Denied(Exception):
    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.message = message


def is_loopback(host: str | None) -> bool:
    if not host:
        return False
    try:
        return ipaddress.ip_address(host.split("%", 1)[0]).is_loopback
    except ValueError:
        return False


def token_matches(config: ServerConfig, presented: str | None) -> bool:
    return bool(config.admin_token and presented) and secrets.compare_digest(
        (presented or "").encode(), (config.admin_token or "").encode()
    )


def bearer(request: Request) -> str | None:
    scheme, _, value = request.headers.get("authorization", "").partition(" ")
    return value.strip() if scheme.lower() == "bearer" and value.strip() else None


def _cross_site(request: Request) -> bool:
    fetch_site = request.headers.get("sec-fetch-site", "").lower()
    if fetch_site in ("cross-site", "same-site"):
        return True
    origin = request.headers.get("origin")
    if origin:
        return origin == "null" or urlsplit(origin).netloc.lower() != request.headers.get("host", "").lower()
    return False


def _wwwroots(request: Request) -> list[str | None]:
    state = getattr(request.app.state, "admin", None)
    return [t.scenario.moodle.wwwroot for t in state.tenants.all()] if state is not None else []


def check(request: Request, config: ServerConfig) -> None:
    """Raise ``Denied`` unless this request may use the admin API."""
    if request.method not in _SAFE_METHODS and _cross_site(request):
        raise Denied(403, "cross-site requests to the admin API are refused")
    if config.admin_token:
        if token_matches(config, bearer(request)) or token_matches(config, request.cookies.get(COOKIE)):
            return
        raise Denied(401, "the admin API needs 'Authorization: Bearer <admin token>'")
    if config.admin_open:
        return
    host = request.headers.get("host")
    if not host_allowed(host, config, _wwwroots(request)):
        raise Denied(
            403,
            f"the admin API does not answer for Host {host!r} (a guard against DNS rebinding); use 127.0.0.1 or "
            "localhost, or name the host with --public-url or --allowed-host",
        )
    client = request.client.host if request.client else None
    if not is_loopback(client):
        raise Denied(
            403,
            f"the admin API only answers loopback clients when no admin token is set (this client: {client}); "
            "start the server with --admin-token (or --admin-open on an isolated network)",
        )
    if any(name in request.headers for name in _PROXY_HEADERS):
        raise Denied(
            403, "the admin API does not answer proxied requests when no admin token is set; start with --admin-token"
        )
