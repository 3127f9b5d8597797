"""A raw ASGI driver for the fuzz: requests as a server would hand them over, without an HTTP client.

Why raw: an HTTP client normalises what it sends (encodes the path, refuses odd methods and bytes),
and the fuzz wants exactly the inputs uvicorn can deliver: any token as method, a percent-encoded
path (decoded as uvicorn does), raw query bytes, header values with non-ASCII bytes, bodies in
several chunks. One event loop, on its own thread (the thread running the tests may already have a
loop, e.g. Playwright's), serves every case: a long run costs no loop per request.
"""

from __future__ import annotations

import asyncio
import threading
import traceback
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import unquote

import httpx

from mockserver.app import MockServerApp

CLIENT = ("127.0.0.1", 50123)
HANG_S = 30.0
"""A case still unanswered after this long is reported as a hang (generous: it is no speed target)."""


@dataclass(frozen=True)
class Case:
    """One request. ``route`` names the target in the report; ``path`` is the raw, percent-encoded path."""

    route: str
    method: str
    path: str
    query: bytes = b""
    headers: tuple[tuple[bytes, bytes], ...] = ()
    body: bytes = b""
    chunks: int = 1

    def describe(self) -> str:
        query = f"?{self.query!r}" if self.query else ""
        return f"{self.method} {self.path}{query} headers={list(self.headers)!r} body={self.body[:300]!r}"


@dataclass
class Outcome:
    status: int | None = None
    headers: list[tuple[bytes, bytes]] = field(default_factory=list)
    body: bytes = b""
    complete: bool = False
    error: str | None = None
    """The traceback of an exception that escaped the app, or ``hang``."""

    def header(self, name: bytes) -> bytes | None:
        return next((v for k, v in self.headers if k.lower() == name), None)


def _body_messages(case: Case) -> list[dict[str, Any]]:
    if case.chunks <= 1 or len(case.body) < 2:
        return [{"type": "http.request", "body": case.body, "more_body": False}]
    size = max(1, len(case.body) // case.chunks)
    parts = [case.body[i : i + size] for i in range(0, len(case.body), size)]
    return [{"type": "http.request", "body": p, "more_body": i < len(parts) - 1} for i, p in enumerate(parts)]


class Driver:
    """Sends cases to one app on one private event loop (not thread-safe; one driver per test)."""

    def __init__(self, app: MockServerApp) -> None:
        self.app = app
        self.loop = asyncio.new_event_loop()
        self._thread = threading.Thread(target=self.loop.run_forever, name="fuzz-driver", daemon=True)
        self._thread.start()
        self._http = httpx.AsyncClient(
            transport=httpx.ASGITransport(app=app, client=CLIENT), base_url="http://testserver"
        )

    def run(self, make: Callable[[], Awaitable[Any]]) -> Any:
        async def call() -> Any:
            return await make()

        return asyncio.run_coroutine_threadsafe(call(), self.loop).result()

    def send(self, case: Case) -> Outcome:
        outcome: Outcome = asyncio.run_coroutine_threadsafe(self._send(case), self.loop).result()
        return outcome

    def http(self, method: str, url: str, **kwargs: Any) -> httpx.Response:
        """An ordinary client request on the same loop (for the demo flow and world snapshots)."""
        response: httpx.Response = self.run(lambda: self._http.request(method, url, **kwargs))
        return response

    def close(self) -> None:
        self.run(self._http.aclose)
        self.loop.call_soon_threadsafe(self.loop.stop)
        self._thread.join()
        self.loop.close()

    async def _send(self, case: Case) -> Outcome:
        outcome = Outcome()
        messages = _body_messages(case)
        done = asyncio.Event()
        scope: dict[str, Any] = {
            "type": "http",
            "asgi": {"version": "3.0", "spec_version": "2.3"},
            "http_version": "1.1",
            "method": case.method,
            "scheme": "http",
            "path": unquote(case.path),  # as uvicorn: ASCII raw path, %-decoded with U+FFFD for bad UTF-8
            "raw_path": case.path.encode("ascii"),
            "query_string": case.query,
            "root_path": "",
            "headers": [(k.lower(), v) for k, v in case.headers],
            "client": CLIENT,
            "server": ("127.0.0.1", 8000),
            "state": {},
        }

        async def receive() -> dict[str, Any]:
            if messages:
                return messages.pop(0)
            await done.wait()
            return {"type": "http.disconnect"}

        async def send(message: dict[str, Any]) -> None:
            if message["type"] == "http.response.start":
                if outcome.status is not None:
                    raise RuntimeError("response started twice")
                outcome.status = message["status"]
                outcome.headers = list(message.get("headers", []))
            elif message["type"] == "http.response.body":
                if outcome.status is None:
                    raise RuntimeError("body before the response started")
                outcome.body += message.get("body", b"")
                if not message.get("more_body", False):
                    outcome.complete = True
                    done.set()

        try:
            await asyncio.wait_for(self.app(scope, receive, send), HANG_S)
        except TimeoutError:
            outcome.error = "hang"
        except Exception:
            outcome.error = traceback.format_exc()
        finally:
            done.set()
        return outcome
