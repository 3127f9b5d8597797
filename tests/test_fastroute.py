"""``FastRoutes`` answers exactly what the Starlette app behind it would (mockserver/fastroute.py)."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest
from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import PlainTextResponse, Response, StreamingResponse
from starlette.routing import Route
from starlette.types import ASGIApp, Message

from mockserver.fastroute import FastRoutes


async def hello(request: Request) -> Response:
    body = f"{request.method} {request.url.path} {request.scope['endpoint'].__name__} {request.scope['path_params']}"
    return PlainTextResponse(body, headers={"X-One": "1"})


async def teapot(_request: Request) -> Response:
    raise HTTPException(418, "short and stout", headers={"X-Tea": "yes"})


async def not_modified(_request: Request) -> Response:
    raise HTTPException(304)


async def broken(_request: Request) -> Response:
    raise ValueError("a bug")


async def stream(_request: Request) -> Response:
    async def parts() -> Any:
        yield b"a"
        yield b"b"

    return StreamingResponse(parts(), media_type="text/plain")


async def user(request: Request) -> Response:
    return PlainTextResponse(f"user {request.path_params['uid']}")


def build() -> Starlette:
    return Starlette(
        routes=[
            Route("/hello", hello, methods=["GET", "POST"]),
            Route("/teapot", teapot),
            Route("/same", hello, methods=["POST"]),
            Route("/same", teapot, methods=["GET"]),  # the router tries the next route: not a fast one
            Route("/nm", not_modified),
            Route("/broken", broken),
            Route("/stream", stream),
            Route("/user/{uid}", user),
            Route("/after", hello),  # after a route with a parameter: left to the router
        ]
    )


def call(app: ASGIApp, method: str, path: str, root_path: str = "") -> tuple[list[Message], BaseException | None]:
    sent: list[Message] = []
    scope = {
        "type": "http",
        "asgi": {"version": "3.0"},
        "http_version": "1.1",
        "method": method,
        "scheme": "http",
        "path": root_path + path,
        "raw_path": (root_path + path).encode(),
        "root_path": root_path,
        "query_string": b"",
        "headers": [(b"host", b"testserver")],
        "client": ("127.0.0.1", 1234),
        "server": ("testserver", 80),
    }

    received = False

    async def receive() -> Message:
        nonlocal received
        if received:  # the client waits for the answer (a streamed one listens for a disconnect)
            await asyncio.sleep(3600)
        received = True
        return {"type": "http.request", "body": b"", "more_body": False}

    async def send(message: Message) -> None:
        sent.append(message)

    async def run() -> BaseException | None:
        try:
            await app(scope, receive, send)
        except Exception as exc:
            return exc
        return None

    return sent, asyncio.run(run())


CASES = [
    ("GET", "/hello", ""),
    ("POST", "/hello", ""),
    ("HEAD", "/hello", ""),
    ("PUT", "/hello", ""),
    ("GET", "/hello", "/t/acme"),
    ("GET", "/teapot", ""),
    ("GET", "/same", ""),
    ("POST", "/same", ""),
    ("DELETE", "/same", ""),
    ("GET", "/nm", ""),
    ("GET", "/broken", ""),
    ("GET", "/stream", ""),
    ("GET", "/user/7", ""),
    ("GET", "/after", ""),
    ("GET", "/missing", ""),
    ("GET", "/hello/", ""),
]


@pytest.mark.parametrize(("method", "path", "root_path"), CASES)
def test_same_answer_as_starlette(method: str, path: str, root_path: str) -> None:
    expected, expected_error = call(build(), method, path, root_path)
    got, error = call(FastRoutes(build()), method, path, root_path)
    assert got == expected
    assert repr(error) == repr(expected_error)


def test_only_leading_fixed_async_routes_are_fast() -> None:
    fast = FastRoutes(build())
    assert list(fast.routes) == ["/hello", "/teapot", "/same", "/nm", "/broken", "/stream"]
    assert fast.routes["/same"].endpoint is hello  # the first route with the path, as the router picks


def test_a_server_error_is_answered_then_raised() -> None:
    sent, error = call(FastRoutes(build()), "GET", "/broken")
    assert isinstance(error, ValueError)
    assert sent[0]["status"] == 500
    assert sent[1]["body"] == b"Internal Server Error"
