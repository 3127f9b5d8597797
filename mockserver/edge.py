"""What the server knows about its own address, never taken from the client's ``Host`` header.

Moodle builds every URL from ``$CFG->wwwroot`` (config.php), not from the request. The mock does
the same: a tenant's configured ``moodle.wwwroot``, else ``--public-url``, else the address the
connection actually arrived on (the ASGI ``server`` tuple: the socket's own name). ``Host`` only
decides whether the admin API answers (``host_allowed``: a guard against DNS rebinding).

It also does what the web server in front of Moodle does before PHP runs: merges repeated
slashes (nginx ``merge_slashes``, Apache's mapping to the file system) and serves the site under
the path of its wwwroot (``http://host/moodle`` -> ``/moodle/login/index.php``).
"""

from __future__ import annotations

import ipaddress
import re
from functools import lru_cache
from urllib.parse import urlsplit

from starlette.types import ASGIApp, Receive, Scope, Send

from mockserver.config import ServerConfig

_SLASHES = re.compile(r"//+")
_DEFAULT_PORTS = {"http": 80, "https": 443}


def server_base(scope: Scope, config: ServerConfig) -> str:
    """Scheme and authority the outside world uses to reach this server (no trailing slash)."""
    if config.public_url:
        return config.public_url.rstrip("/")
    scheme: str = scope.get("scheme", "http")
    server = scope.get("server")
    if not server:
        return f"{scheme}://{config.bind_host or '127.0.0.1'}"
    host, port = server[0], server[1]
    if ":" in host:
        host = f"[{host}]"
    if port is None or _DEFAULT_PORTS.get(scheme) == port:
        return f"{scheme}://{host}"
    return f"{scheme}://{host}:{port}"


@lru_cache(maxsize=256)
def wwwroot_path(wwwroot: str | None) -> str:
    """``http://h:8000/moodle/`` -> ``/moodle``; '' when the site is at the root."""
    if not wwwroot:
        return ""
    return urlsplit(wwwroot).path.rstrip("/")


@lru_cache(maxsize=256)
def _host_name(netloc: str) -> str:
    """``Example.COM:8000`` -> ``example.com``; ``[::1]:80`` -> ``::1``."""
    host = netloc.strip().lower()
    if host.startswith("["):
        return host[1 : host.find("]")] if "]" in host else host[1:]
    return host.rsplit(":", 1)[0] if host.count(":") == 1 else host


def _is_ip(name: str) -> bool:
    try:
        ipaddress.ip_address(name.split("%", 1)[0])
    except ValueError:
        return False
    return True


def host_allowed(host_header: str | None, config: ServerConfig, wwwroots: list[str | None]) -> bool:
    """May a request naming ``Host: host_header`` use the admin API?

    A page on a name the attacker controls can point that name at 127.0.0.1 (DNS rebinding)
    and then talk to the server as a same-origin page. Such a request still names the
    attacker's host, so only names the server is known by pass: IP literals (a page on an
    address cannot be rebound), ``localhost`` and ``*.localhost`` (always loopback in browsers),
    the bound address, ``--public-url``, the tenants' wwwroots and ``--allowed-host`` names.
    """
    if host_header is None:
        return True  # not a browser: browsers always send Host
    name = _host_name(host_header)
    if not name or _is_ip(name) or name == "localhost" or name.endswith(".localhost"):
        return True
    known = {*(h.lower() for h in config.allowed_hosts), (config.bind_host or "").lower()}
    for url in (config.public_url, *wwwroots):
        if url:
            known.add(_host_name(urlsplit(url).netloc))
    return name in known


_HIGH_BYTE = re.compile(rb"[\x80-\xff]")


def ascii_query(query: bytes) -> bytes:
    """Raw bytes >= 0x80 in the query string (httptools passes them through) as ``%XX``.

    The same bytes reach the parameters either way (PHP's ``parse_str`` reads both alike), but
    frameworks decode the query string as strict UTF-8 to build ``request.url``: escaping here,
    once, keeps every later reader on ASCII.
    """
    return query if query.isascii() else _HIGH_BYTE.sub(lambda m: b"%%%02X" % m.group()[0], query)


class MergeSlashes:
    """``//webservice/rest/server.php`` -> ``/webservice/rest/server.php``, as the web server does,
    and the query string made ASCII (``ascii_query``)."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http":
            query: bytes = scope.get("query_string", b"")
            if "//" in scope["path"] or not query.isascii():
                scope = {**scope, "path": _SLASHES.sub("/", scope["path"]), "query_string": ascii_query(query)}
        await self.app(scope, receive, send)
