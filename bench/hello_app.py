"""Baseline: a bare Starlette hello-world route, on a given server stack.

``python bench/hello_app.py PORT uvicorn`` serves it with the project's uvicorn settings (uvloop +
httptools, see mockserver/serving.py); ``granian --interface asgi ... hello_app:app`` serves the
same ``app`` on granian. The benchmark compares the mock with the fastest of them.
"""

from __future__ import annotations

import sys
from pathlib import Path

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import PlainTextResponse
from starlette.routing import Route


async def hello(_request: Request) -> PlainTextResponse:
    return PlainTextResponse("Hello, world!")


app = Starlette(routes=[Route("/", hello, methods=["GET", "POST"])])

if __name__ == "__main__":
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
    from mockserver import serving

    serving.run(app, "127.0.0.1", int(sys.argv[1]))
