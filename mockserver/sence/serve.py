"""``mockserver serve --sence-port N``: Moodle and SENCE on two ports of one process."""

from __future__ import annotations

import asyncio
import contextlib
from urllib.parse import urlsplit

import uvicorn

from mockserver.accesslog import AccessLog
from mockserver.app import MockServerApp
from mockserver.sence.app import create_sence_app
from mockserver.serving import Server, server_config, tune_gc


def sence_public_url(host: str, sence_port: int, public_url: str | None = None) -> str:
    """Where browsers reach the SENCE port: the public host (or bind host) with that port."""
    scheme, hostname = "http", host
    if public_url:
        parts = urlsplit(public_url)
        scheme, hostname = parts.scheme or "http", parts.hostname or host
    if hostname in ("", "0.0.0.0", "::"):
        hostname = "127.0.0.1"
    if ":" in hostname:
        hostname = f"[{hostname}]"
    return f"{scheme}://{hostname}:{sence_port}"


async def serve_both(servers: list[uvicorn.Server]) -> None:
    """Run the servers until one stops, then stop the others."""
    tasks = [asyncio.create_task(server.serve()) for server in servers]
    await asyncio.wait(tasks, return_when=asyncio.FIRST_COMPLETED)
    for server in servers:
        server.should_exit = True
    await asyncio.gather(*tasks, return_exceptions=True)


def run_with_sence(
    app: MockServerApp, host: str, port: int, sence_port: int, public_url: str | None, log_level: str
) -> None:
    sence_url = sence_public_url(host, sence_port, public_url)
    sence_app = create_sence_app(app, sence_url)
    if app.config.access_log:  # the SENCE port's requests get their console line too
        sence_app = AccessLog(sence_app)
    print(f"  SENCE (RCE) on its own origin: {sence_url}/rce/Registro/IniciarSesion (and /rcetest/)", flush=True)
    servers: list[uvicorn.Server] = [
        Server(server_config(app, host, port, log_level=log_level)),
        Server(server_config(sence_app, host, sence_port, log_level=log_level, lifespan="off")),
    ]
    tune_gc()
    with contextlib.suppress(KeyboardInterrupt):
        asyncio.run(serve_both(servers))
