"""``mockserver serve --drupal-port N``: the fake Drupal on its own port beside Moodle (and SENCE)."""

from __future__ import annotations

import asyncio
import contextlib

import uvicorn

from mockserver.app import MockServerApp
from mockserver.drupal.app import create_drupal_app
from mockserver.sence.serve import sence_public_url, serve_both
from mockserver.serving import Server, server_config


def run_with_drupal(
    app: MockServerApp,
    host: str,
    port: int,
    drupal_port: int,
    public_url: str | None,
    log_level: str,
    sence_port: int | None = None,
) -> None:
    """Moodle, the fake Drupal (and SENCE when ``sence_port`` is given) in one process."""
    moodle_url = sence_public_url(host, port, public_url)
    drupal_url = sence_public_url(host, drupal_port, public_url)
    drupal_app = create_drupal_app(app, drupal_url, moodle_url)
    print(f"  Drupal (fake site) on its own origin: {drupal_url}/user/login", flush=True)
    servers: list[uvicorn.Server] = [
        Server(server_config(app, host, port, log_level=log_level)),
        Server(server_config(drupal_app, host, drupal_port, log_level=log_level, lifespan="off")),
    ]
    if sence_port:
        from mockserver.sence.app import create_sence_app

        sence_url = sence_public_url(host, sence_port, public_url)
        print(f"  SENCE (RCE) on its own origin: {sence_url}/rce/Registro/IniciarSesion (and /rcetest/)", flush=True)
        sence_app = create_sence_app(app, sence_url)
        servers.append(Server(server_config(sence_app, host, sence_port, log_level=log_level, lifespan="off")))
    with contextlib.suppress(KeyboardInterrupt):
        asyncio.run(serve_both(servers))
