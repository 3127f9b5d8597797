"""Is a port free to listen on? Asked before the banner, so a taken port is the only thing said."""

from __future__ import annotations

import errno
import socket


def listen_problem(host: str, port: int) -> str | None:
    """Why ``host:port`` cannot be listened on (``None`` when it can).

    Binds the way uvicorn will (``SO_REUSEADDR``; on Linux that still fails while another socket
    listens there) and closes at once; a port taken in between is uvicorn's to report.
    """
    if port == 0:
        return None
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM, flags=socket.AI_PASSIVE)
    except socket.gaierror as exc:
        return f"cannot listen on {host}:{port}: unknown address ({exc.strerror})"
    family, kind, proto, _, address = infos[0]
    with socket.socket(family, kind, proto) as sock:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            sock.bind(address)
        except OSError as exc:
            if exc.errno == errno.EADDRINUSE:
                return (
                    f"cannot listen on {host}:{port}: the port is already in use "
                    "(another mockserver or service is running there; choose another with --port)"
                )
            return f"cannot listen on {host}:{port}: {exc.strerror or exc}"
    return None
