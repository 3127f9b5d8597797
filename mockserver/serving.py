"""How every server of the project runs uvicorn: one place for its settings.

* ``proxy_headers=False``: uvicorn by default lets ``X-Forwarded-For`` from 127.0.0.1 replace the
  peer address; Moodle reads only the peer unless ``$CFG->getremoteaddrconf`` names a header
  (the scenario's ``moodle.client_ip_header``), so the mock must see the real peer.
* Timeouts and limits: a request must arrive whole within ``request_timeout`` seconds
  (``mockserver.readtimeout``: uvicorn has no such deadline); idle keep-alive connections close
  after ``KEEP_ALIVE_S``; at most
  ``MAX_CONNECTIONS`` connections and requests are served at once (503 beyond), so slow clients
  cannot pile up without end.
* The fastest stack measured here (``make bench``): uvloop's event loop and httptools' HTTP parser
  (named, not left to uvicorn's "auto", so a missing one fails loudly instead of halving throughput).
* Garbage collection (``tune_gc``): each request allocates a few hundred short-lived objects, so
  CPython's default threshold (700) ran a young-generation collection every couple of requests;
  collecting every ``GC_YOUNG`` allocations instead cut the time per request by about a fifth.
* Shutdown: SIGTERM/SIGINT wait at most ``GRACEFUL_S`` for running requests (then cancelled, a
  WARNING line each: ``mockserver.quietlog``), and the process then exits 0 (uvicorn re-raises
  the signal, which ends the process with 143).
"""

from __future__ import annotations

import contextlib
import gc
import sys
from collections.abc import Generator
from typing import Any

from starlette.types import ASGIApp

from mockserver import uvicornparts

uvicornparts.install()  # before anything of uvicorn: its server without its command line (click, ...)

from uvicorn.config import Config  # noqa: E402
from uvicorn.server import Server as UvicornServer  # noqa: E402

from mockserver import quietlog  # noqa: E402
from mockserver.readtimeout import REQUEST_READ_S, read_deadline_protocol  # noqa: E402

KEEP_ALIVE_S = 5
GRACEFUL_S = 5
MAX_CONNECTIONS = 2000
GC_YOUNG = 5_000
"""Served requests leave objects in reference cycles that only the collector frees (in the soak, up to
~30,000 objects waited for it): at 50,000 that garbage reached ~8 MiB and kept raising the heap's
high-water mark for the first ~20,000 requests; at 5,000 it stays around 1 MiB and the memory is
within 1 MiB of its final level from ~5,000 requests (bench/soak.py). Still 7x fewer collections
than CPython's default of 700."""


def tune_gc() -> None:
    """Freeze what exists (the loaded world lives as long as the process: never scanned again) and
    collect the young generation less often; the older ones keep their default ratios."""
    gc.freeze()
    _young, middle, old = gc.get_threshold()
    gc.set_threshold(GC_YOUNG, middle, old)


def server_config(
    app: ASGIApp,
    host: str,
    port: int,
    *,
    log_level: str = "warning",
    request_timeout: float = REQUEST_READ_S,
    **extra: Any,
) -> Config:
    """The uvicorn settings of the project (access log off: the journal records requests)."""
    options: dict[str, Any] = {
        "host": host,
        "port": port,
        "log_level": log_level,
        "access_log": False,
        "proxy_headers": False,
        "timeout_keep_alive": KEEP_ALIVE_S,
        "timeout_graceful_shutdown": GRACEFUL_S,
        "limit_concurrency": MAX_CONNECTIONS,
        "loop": "auto" if sys.platform == "win32" else "uvloop",  # uvloop has no Windows build
        "http": read_deadline_protocol(request_timeout),  # httptools' parser, with a read deadline
    }
    options.update(extra)
    config = Config(app, **options)
    quietlog.install()  # after Config(): it (re)configures uvicorn's loggers
    return config


class Server(UvicornServer):
    """``uvicorn.Server`` whose stop on a signal is a clean exit (status 0)."""

    @contextlib.contextmanager
    def capture_signals(self) -> Generator[None, None, None]:
        with super().capture_signals():
            yield
            self._captured_signals.clear()  # asked to stop and stopped: not a death by signal


def run(
    app: ASGIApp, host: str, port: int, *, log_level: str = "warning", request_timeout: float = REQUEST_READ_S
) -> None:
    tune_gc()
    Server(server_config(app, host, port, log_level=log_level, request_timeout=request_timeout)).run()
