"""A real uvicorn server on 127.0.0.1 and an ephemeral port, in a background thread."""

from __future__ import annotations

import threading
import time

import uvicorn
from starlette.types import ASGIApp

from mockserver.serving import server_config


class ThreadedServer:
    """``ThreadedServer(app)`` is listening when the constructor returns; ``stop()`` ends it."""

    def __init__(self, app: ASGIApp, host: str = "127.0.0.1", port: int = 0, *, startup_timeout: float = 15) -> None:
        config = server_config(app, host, port, lifespan="on")
        self.server = uvicorn.Server(config)
        self.thread = threading.Thread(target=self.server.run, name="mockserver", daemon=True)
        self.thread.start()
        deadline = time.monotonic() + startup_timeout
        while not self.server.started:
            if not self.thread.is_alive() or time.monotonic() > deadline:
                raise RuntimeError("the mockserver live server did not start")
            time.sleep(0.01)
        self.port: int = self.server.servers[0].sockets[0].getsockname()[1]
        self.url = f"http://{host}:{self.port}"

    def stop(self) -> None:
        self.server.should_exit = True
        self.thread.join(timeout=10)
