"""CPU per request of the served stack without sockets: uvicorn's protocol (the one ``serve`` uses)
fed raw request bytes by a fake transport, on uvloop, in this process.

Run: ``.venv/bin/python bench/inprocess.py [--batches 15] [--n 400]``. For each workload (the hello
world of ``bench/hello_app.py``, (a) ``auth_userkey_request_login_url``, (b) ``login.php`` with a
fresh key per request) it prints the CPU time per request (process time, fastest batch: load on a
shared machine only adds) and how many ``transport.write`` calls and bytes each response took.
Unlike ``bench/run.py`` nothing here waits on the kernel, so the figure is steady enough to compare
two versions of the code on a busy machine; it leaves out the socket system calls (``run.py`` has
them).
"""

from __future__ import annotations

import argparse
import asyncio
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
sys.path[:0] = [str(HERE), str(HERE.parent)]

from benchlib import REST, login_url_body  # noqa: E402
from run import bench_world  # noqa: E402
from uvicorn.server import ServerState  # noqa: E402

from mockserver import serving  # noqa: E402


class FakeTransport(asyncio.Transport):
    """What the protocol needs of a socket transport; counts writes."""

    def __init__(self) -> None:
        super().__init__()
        self.writes = 0
        self.bytes = 0
        self.last = b""
        self.closed = False

    def write(self, data: bytes | bytearray | memoryview) -> None:
        self.writes += 1
        self.bytes += len(data)
        self.last = bytes(data)

    def close(self) -> None:
        self.closed = True

    def is_closing(self) -> bool:
        return self.closed

    def get_extra_info(self, name: str, default: Any = None) -> Any:
        return {"sockname": ("127.0.0.1", 8000), "peername": ("127.0.0.1", 50000)}.get(name, default)

    def pause_reading(self) -> None:
        pass

    def resume_reading(self) -> None:
        pass


def get(path: str) -> bytes:
    return f"GET {path} HTTP/1.1\r\nHost: 127.0.0.1:8000\r\n\r\n".encode()


def post(path: str, body: str) -> bytes:
    return (
        f"POST {path} HTTP/1.1\r\nHost: 127.0.0.1:8000\r\nContent-Type: application/x-www-form-urlencoded\r\n"
        f"Content-Length: {len(body)}\r\n\r\n{body}"
    ).encode()


async def batch(app: Any, requests: Iterator[bytes], n: int, stock: bool) -> tuple[float, float, float]:
    """CPU µs per request, writes per response, bytes per response over ``n`` requests on one
    keep-alive connection."""
    config = serving.server_config(app, "127.0.0.1", 8000)
    config.load()
    if stock:
        from uvicorn.protocols.http.httptools_impl import HttpToolsProtocol

        config.http_protocol_class = HttpToolsProtocol
    state = ServerState()
    state.default_headers = [(b"date", b"Mon, 07 Dec 2026 05:00:00 GMT"), *config.encoded_headers]  # as uvicorn.Server
    protocol = config.http_protocol_class(config=config, server_state=state, app_state={})  # type: ignore[call-arg]
    transport = FakeTransport()
    protocol.connection_made(transport)
    started = time.process_time()
    for _ in range(n):
        done = state.total_requests + 1
        protocol.data_received(next(requests))
        while state.total_requests < done:
            await asyncio.sleep(0)
    spent = time.process_time() - started
    if transport.closed or not transport.last:
        raise RuntimeError("connection closed or no answer")
    protocol.connection_lost(None)
    return spent / n * 1e6, transport.writes / n, transport.bytes / n


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--batches", type=int, default=15)
    parser.add_argument("--n", type=int, default=400)
    parser.add_argument("--stock", action="store_true", help="uvicorn's own HttpToolsProtocol instead of serve's")
    parser.add_argument("--users", type=int, default=0, help="students in the world (default: one per request)")
    parser.add_argument("--only", default="", help="run only the workloads whose name contains this")
    args = parser.parse_args()
    import uvloop
    from hello_app import app as hello

    from mockserver.app import create_app
    from mockserver.config import ServerConfig

    users = args.users or args.batches * args.n + 10
    with tempfile.TemporaryDirectory() as tmp:
        scenario, keys_path = bench_world(Path(tmp), users)
        keys = iter(keys_path.read_text().split())
        mock = create_app(ServerConfig(scenario_path=scenario, access_log=False))
    serving.tune_gc()

    def repeat(raw: bytes) -> Iterator[bytes]:
        while True:
            yield raw

    workloads: dict[str, tuple[Any, Callable[[], Iterator[bytes]]]] = {
        "hello world": (hello, lambda: repeat(get("/"))),
        "(a) request_login_url": (mock, lambda: repeat(post(REST, login_url_body("student0")))),
        "(b) login.php, fresh keys": (mock, lambda: (get(f"/auth/userkey/login.php?key={k}") for k in keys)),
    }
    workloads = {name: w for name, w in workloads.items() if args.only in name}
    streams = {name: make() for name, (_, make) in workloads.items()}
    results: dict[str, list[tuple[float, float, float]]] = {name: [] for name in workloads}
    loop = uvloop.new_event_loop()
    for _ in range(args.batches):
        for name, (app, _make) in workloads.items():
            results[name].append(loop.run_until_complete(batch(app, streams[name], args.n, args.stock)))
    print(f"fastest of {args.batches} batches of {args.n} requests; uvicorn protocol, fake transport, uvloop")
    print(f"{'workload':<30}{'CPU/req':>10}{'writes':>8}{'bytes':>8}")
    for name, rows in results.items():
        cpu = min(r[0] for r in rows)
        print(f"{name:<30}{cpu:>8.1f}us{rows[0][1]:>8.1f}{rows[0][2]:>8.0f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
