"""One write per response (mockserver/onewrite.py): the bytes on the wire are uvicorn's own.

Each conversation (raw request bytes, read until the server closes) goes to two live servers of
the same ASGI app: one on uvicorn's stock ``HttpToolsProtocol``, one on the protocol ``serve`` uses.
Their bytes must be equal, for fixed-length, streamed, HEAD, 204/304, error, keep-alive pipelined,
100-continue and HTTP/1.0 answers.
"""

from __future__ import annotations

import asyncio
import gc
import socket
import threading
import time
from collections.abc import Iterator
from typing import Any

import pytest
import uvicorn
from uvicorn.protocols.http.httptools_impl import HttpToolsProtocol, RequestResponseCycle

from mockserver.readtimeout import ReadDeadlineProtocol
from mockserver.serving import server_config

RELEASE = threading.Event()  # the "head first" conversation: set once the client has the head


async def app(scope: dict[str, Any], receive: Any, send: Any) -> None:
    if scope["type"] != "http":
        return
    path = scope["path"]
    if scope["method"] == "POST":
        body = b""
        more = True
        while more:
            message = await receive()
            body += message.get("body", b"")
            more = message.get("more_body", False)
        await send({"type": "http.response.start", "status": 200, "headers": [(b"content-length", b"%d" % len(body))]})
        await send({"type": "http.response.body", "body": body})
        return
    if path == "/raise-before":
        raise RuntimeError("boom")
    plain = [(b"Content-Type", b"text/plain"), (b"X-Two", b"a"), (b"x-two", b"b\tc")]
    if path == "/fixed":
        await send({"type": "http.response.start", "status": 200, "headers": [*plain, (b"content-length", b"5")]})
        await send({"type": "http.response.body", "body": b"hello"})
    elif path == "/parts":
        await send({"type": "http.response.start", "status": 201, "headers": [(b"content-length", b"6")]})
        await send({"type": "http.response.body", "body": b"abc", "more_body": True})
        await send({"type": "http.response.body", "body": b"", "more_body": True})
        await send({"type": "http.response.body", "body": b"def"})
    elif path == "/stream":
        await send({"type": "http.response.start", "status": 200, "headers": plain})
        for chunk in (b"one", b"", b"three"):
            await asyncio.sleep(0.001)
            await send({"type": "http.response.body", "body": chunk, "more_body": True})
        await send({"type": "http.response.body", "body": b""})
    elif path == "/head-first":
        await send({"type": "http.response.start", "status": 200, "headers": [(b"content-length", b"4")]})
        for _ in range(1000):  # the client sets RELEASE once it has read the head
            if RELEASE.is_set():
                break
            await asyncio.sleep(0.01)
        await send({"type": "http.response.body", "body": b"body"})
    elif path in ("/204", "/304"):
        await send({"type": "http.response.start", "status": int(path[1:]), "headers": plain})
        await send({"type": "http.response.body", "body": b""})
    elif path == "/empty":
        await send({"type": "http.response.start", "status": 200, "headers": [(b"content-length", b"0")]})
        await send({"type": "http.response.body", "body": b""})
    elif path == "/close":
        headers = [(b"Connection", b"keep-alive, Close"), (b"content-length", b"2")]
        await send({"type": "http.response.start", "status": 200, "headers": headers})
        await send({"type": "http.response.body", "body": b"ok"})
    elif path == "/both":
        headers = [(b"Transfer-Encoding", b"Chunked"), (b"content-length", b"3")]
        await send({"type": "http.response.start", "status": 200, "headers": headers})
        await send({"type": "http.response.body", "body": b"abc"})
    elif path == "/raise-after":
        await send({"type": "http.response.start", "status": 200, "headers": [(b"content-length", b"5")]})
        raise RuntimeError("boom")
    elif path == "/no-body":
        await send({"type": "http.response.start", "status": 200, "headers": [(b"content-length", b"5")]})
    elif path in ("/short", "/long"):
        await send({"type": "http.response.start", "status": 200, "headers": [(b"content-length", b"4")]})
        await send({"type": "http.response.body", "body": b"ab" if path == "/short" else b"abcdef"})
    elif path == "/bad-value":
        await send({"type": "http.response.start", "status": 200, "headers": [*plain, (b"x-bad", b"a\r\nb")]})
    elif path == "/bad-name":
        await send({"type": "http.response.start", "status": 200, "headers": [(b"x bad", b"a"), (b"x-v", b"\n")]})
    elif path == "/bytearrays":
        headers = [(bytearray(b"X-A"), bytearray(b"1")), (b"content-length", bytearray(b"2"))]
        await send({"type": "http.response.start", "status": 200, "headers": headers})
        await send({"type": "http.response.body", "body": bytearray(b"ok")})
    elif path == "/after-end":
        await send({"type": "http.response.start", "status": 200, "headers": [(b"content-length", b"1")]})
        await send({"type": "http.response.body", "body": b"x"})
        await send({"type": "http.response.body", "body": b"y"})
    else:
        await send({"type": "http.response.start", "status": 404, "headers": [(b"content-length", b"0")]})
        await send({"type": "http.response.body", "body": b""})


class Served:
    def __init__(self, protocol: type[HttpToolsProtocol]) -> None:
        config = server_config(app, "127.0.0.1", 0, date_header=False, lifespan="off", http=protocol)
        self.server = uvicorn.Server(config)
        self.thread = threading.Thread(target=self.server.run, daemon=True)
        self.thread.start()
        deadline = time.monotonic() + 15
        while not self.server.started:
            assert self.thread.is_alive() and time.monotonic() < deadline, "server did not start"
            time.sleep(0.01)
        self.port: int = self.server.servers[0].sockets[0].getsockname()[1]

    def connect(self) -> socket.socket:
        return socket.create_connection(("127.0.0.1", self.port), timeout=10)

    def talk(self, *parts: bytes) -> bytes:
        """Send ``parts`` (one ``sendall`` each), then read until the server closes."""
        with self.connect() as sock:
            for part in parts:
                sock.sendall(part)
            return read_all(sock)


def read_all(sock: socket.socket) -> bytes:
    data = b""
    while chunk := sock.recv(65536):
        data += chunk
    return data


@pytest.fixture(scope="module")
def servers() -> Iterator[tuple[Served, Served]]:
    stock, ours = Served(HttpToolsProtocol), Served(ReadDeadlineProtocol)
    yield stock, ours
    for served in (stock, ours):
        served.server.should_exit = True
        served.thread.join(timeout=10)


def get(path: str, close: bool = True, method: str = "GET") -> bytes:
    connection = "Connection: close\r\n" if close else ""
    return f"{method} {path} HTTP/1.1\r\nHost: t\r\n{connection}\r\n".encode()


CONVERSATIONS: dict[str, tuple[bytes, ...]] = {
    "fixed": (get("/fixed"),),
    "parts": (get("/parts"),),
    "stream": (get("/stream"),),
    "204": (get("/204"),),
    "304": (get("/304"),),
    "empty": (get("/empty"),),
    "head": (get("/fixed", method="HEAD"),),
    "head stream": (get("/stream", method="HEAD"),),
    "connection close from the app": (get("/close", close=False),),
    "chunked and length": (get("/both"),),
    "raise before the start": (get("/raise-before", close=False),),
    "raise after the start": (get("/raise-after", close=False),),
    "no body": (get("/no-body", close=False),),
    "body too short": (get("/short", close=False),),
    "body too long": (get("/long", close=False),),
    "bad header value": (get("/bad-value", close=False),),
    "bad header name": (get("/bad-name", close=False),),
    "body after the end": (get("/after-end", close=False),),
    "bytearrays": (get("/bytearrays"),),
    "http 1.0": (b"GET /fixed HTTP/1.0\r\nHost: t\r\n\r\n",),
    "keep-alive pipelined": (
        get("/fixed", close=False)
        + get("/stream", close=False)
        + get("/fixed", close=False, method="HEAD")
        + get("/parts"),
    ),
    "keep-alive one by one": (get("/fixed", close=False), get("/204", close=False), get("/stream")),
    "pipelined then malformed": (get("/stream", close=False) + b"NOT HTTP\r\n\r\n",),
    "post": (b"POST /echo HTTP/1.1\r\nHost: t\r\nContent-Length: 3\r\nConnection: close\r\n\r\nabc",),
    "post chunked": (
        b"POST /echo HTTP/1.1\r\nHost: t\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n",
        b"2\r\nab\r\n",
        b"1\r\nc\r\n0\r\n\r\n",
    ),
}


@pytest.mark.parametrize("name", list(CONVERSATIONS))
def test_the_bytes_on_the_wire_are_uvicorns(servers: tuple[Served, Served], name: str) -> None:
    stock, ours = servers
    assert ours.talk(*CONVERSATIONS[name]) == stock.talk(*CONVERSATIONS[name])


def test_what_the_wire_carries_for_a_few(servers: tuple[Served, Served]) -> None:
    """The comparison above is not between two empty answers."""
    _stock, ours = servers
    head = b"HTTP/1.1 200 OK\r\nserver: uvicorn\r\ncontent-type: text/plain\r\nx-two: a\r\nx-two: b\tc\r\n"
    assert ours.talk(get("/fixed")) == head + b"content-length: 5\r\nconnection: close\r\n\r\nhello"
    chunked = head + b"connection: close\r\ntransfer-encoding: chunked\r\n\r\n3\r\none\r\n5\r\nthree\r\n0\r\n\r\n"
    assert ours.talk(get("/stream")) == chunked
    assert (
        ours.talk(get("/raise-after", close=False))
        == b"HTTP/1.1 200 OK\r\nserver: uvicorn\r\ncontent-length: 5\r\n\r\n"
    )
    assert ours.talk(get("/bad-value", close=False)) == b""
    assert ours.talk(get("/raise-before", close=False)).startswith(b"HTTP/1.1 500 Internal Server Error\r\n")


def test_100_continue(servers: tuple[Served, Served]) -> None:
    answers = []
    for served in servers:
        with served.connect() as sock:
            sock.sendall(b"POST /echo HTTP/1.1\r\nHost: t\r\nExpect: 100-continue\r\nContent-Length: 2\r\n")
            sock.sendall(b"Connection: close\r\n\r\n")
            interim = sock.recv(65536)  # before the body is sent: the 100 alone
            sock.sendall(b"hi")
            answers.append(interim + read_all(sock))
    assert answers[0] == answers[1]
    assert answers[1].startswith(b"HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 200 OK\r\n")
    assert answers[1].endswith(b"\r\n\r\nhi")


def test_the_head_leaves_when_the_app_waits_before_its_body(servers: tuple[Served, Served]) -> None:
    """Held for the body only within one step of the event loop: a head the app sent before
    waiting reaches the client while the app waits (here, until the client has read it)."""
    _stock, ours = servers
    RELEASE.clear()
    with ours.connect() as sock:
        sock.sendall(get("/head-first"))
        head = b""
        while not head.endswith(b"\r\n\r\n"):
            chunk = sock.recv(1)
            assert chunk, "closed before the head"
            head += chunk
        RELEASE.set()
        body = read_all(sock)
    assert head == b"HTTP/1.1 200 OK\r\nserver: uvicorn\r\ncontent-length: 4\r\nconnection: close\r\n\r\n"
    assert body == b"body"


class Recording(asyncio.Transport):
    def __init__(self) -> None:
        super().__init__()
        self.writes: list[bytes] = []

    def write(self, data: Any) -> None:
        self.writes.append(bytes(data))

    def is_closing(self) -> bool:
        return False

    def close(self) -> None:
        pass

    def pause_reading(self) -> None:
        pass

    def resume_reading(self) -> None:
        pass

    def get_extra_info(self, name: str, default: Any = None) -> Any:
        return {"sockname": ("127.0.0.1", 80), "peername": ("127.0.0.1", 5000)}.get(name, default)


def test_one_write_per_fixed_length_answer() -> None:
    """The point of it all: the head and the body in one ``write`` (uvicorn: two)."""

    async def main() -> list[bytes]:
        config = server_config(app, "127.0.0.1", 80, date_header=False)
        config.load()
        state = uvicorn.server.ServerState()
        protocol = ReadDeadlineProtocol(config=config, server_state=state, app_state={})
        transport = Recording()
        protocol.connection_made(transport)
        protocol.data_received(get("/fixed", close=False) + get("/parts", close=False))
        for _ in range(100):
            if state.total_requests == 2:
                break
            await asyncio.sleep(0)
        protocol.connection_lost(None)
        return transport.writes

    writes = asyncio.run(main())
    assert writes == [
        b"HTTP/1.1 200 OK\r\ncontent-type: text/plain\r\nx-two: a\r\nx-two: b\tc\r\ncontent-length: 5\r\n\r\nhello",
        b"HTTP/1.1 201 Created\r\ncontent-length: 6\r\n\r\nabc",
        b"",
        b"def",
    ]


def test_a_served_request_leaves_no_reference_cycle() -> None:
    """Each request's objects are freed by reference counting, none left for the cyclic GC (the
    scope kept the cycle's ``send``: every request was garbage for the collector, ~8% of its CPU)."""
    from mockserver.app import create_app
    from mockserver.config import ServerConfig
    from tests.harness import DEMO, DEMO_TOKEN

    mock = create_app(ServerConfig(scenario_path=DEMO, access_log=False))
    body = f"wstoken={DEMO_TOKEN}&wsfunction=auth_userkey_request_login_url&moodlewsrestformat=json"
    body += "&user%5Busername%5D=alumno1"
    rest = (
        "POST /webservice/rest/server.php HTTP/1.1\r\nHost: t\r\n"
        f"Content-Type: application/x-www-form-urlencoded\r\nContent-Length: {len(body)}\r\n\r\n{body}"
    ).encode()

    config = server_config(mock, "127.0.0.1", 80, date_header=False)
    config.load()

    async def serve(requests: list[bytes]) -> list[bytes]:
        state = uvicorn.server.ServerState()
        protocol = ReadDeadlineProtocol(config=config, server_state=state, app_state={})
        transport = Recording()
        protocol.connection_made(transport)
        for raw in requests:
            done = state.total_requests + 1
            protocol.data_received(raw)
            for _ in range(100):
                if state.total_requests == done:
                    break
                await asyncio.sleep(0)
        protocol.connection_lost(None)
        return transport.writes

    asyncio.run(serve([rest]))  # first use: whatever is made once
    gc.collect()
    gc.set_debug(gc.DEBUG_SAVEALL)
    try:
        writes = asyncio.run(serve([rest, get("/login/index.php", close=False), rest]))
        gc.collect()
        cycles = [type(o).__name__ for o in gc.garbage if isinstance(o, (RequestResponseCycle, dict))]
    finally:
        gc.set_debug(0)
        gc.garbage.clear()
    assert [w.split(b"\r\n", 1)[0] for w in writes] == [b"HTTP/1.1 200 OK"] * 3
    assert cycles == []
