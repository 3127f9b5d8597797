"""``serve --workers N``: one listening socket, N forked processes serving it (one world through
the shared store).

The parent builds the app once (scenario loaded, site joined) and then forks, so the workers
start at once and share the loaded world's memory until they write to it. The socket is bound
in the parent with ``TCP_NODELAY`` set: Linux hands that option down to every accepted
connection, which uvicorn's own multi-worker mode loses (a pre-bound socket is not tuned), and
small answers are not held back by Nagle's algorithm. The parent forwards SIGINT/SIGTERM to the
workers and exits when they have, with the first non-zero status among them.
"""

from __future__ import annotations

import contextlib
import os
import signal
import socket
import sys
import traceback
from types import FrameType

from starlette.types import ASGIApp

from mockserver import serving
from mockserver.readtimeout import REQUEST_READ_S

BACKLOG = 2048


def bind(host: str, port: int) -> socket.socket:
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    sock.bind((host, port))
    sock.listen(BACKLOG)
    sock.set_inheritable(True)
    return sock


def run(
    app: ASGIApp,
    host: str,
    port: int,
    workers: int,
    *,
    log_level: str = "warning",
    request_timeout: float = REQUEST_READ_S,
) -> int:
    sock = bind(host, port)
    serving.tune_gc()  # before the fork: the frozen world stays shared (copy-on-write) by the workers
    children: list[int] = []
    for _ in range(workers):
        pid = os.fork()
        if pid == 0:  # a worker: serve until told to stop
            code = 0
            try:
                serving.Server(
                    serving.server_config(app, host, port, log_level=log_level, request_timeout=request_timeout)
                ).run(sockets=[sock])
            except BaseException:  # report, never return into the parent's loop
                code = 1
                traceback.print_exc()
            finally:
                sys.stdout.flush()
                sys.stderr.flush()
                os._exit(code)
        children.append(pid)
    sock.close()

    def forward(signum: int, _frame: FrameType | None) -> None:
        for child in children:
            with contextlib.suppress(ProcessLookupError):
                os.kill(child, signum)

    signal.signal(signal.SIGINT, forward)
    signal.signal(signal.SIGTERM, forward)
    status = 0
    remaining = set(children)
    while remaining:
        try:
            pid, raw = os.wait()
        except ChildProcessError:
            break
        remaining.discard(pid)
        code = os.waitstatus_to_exitcode(raw)
        if code and not status:
            status = code if code > 0 else 128 - code
            forward(signal.SIGTERM, None)  # one worker died: stop the others, do not serve half a site
    return status
