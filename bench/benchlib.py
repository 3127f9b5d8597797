"""What the benchmarks share: the demo's token, free ports, waiting for a server, running wrk."""

from __future__ import annotations

import http.client
import os
import re
import socket
import subprocess
import time
from collections.abc import Awaitable, Callable, Sequence
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

ROOT = Path(__file__).resolve().parent.parent
TOKEN = "d1c2b3a4e5f60718293a4b5c6d7e8f90"
REST = "/webservice/rest/server.php"
POST_SCRIPT = ROOT / "bench" / "wrk_post.lua"  # POSTs $BENCH_BODY as a form


def login_url_body(username: str) -> str:
    """The urlencoded body of auth_userkey_request_login_url for ``username``."""
    return (
        f"wstoken={TOKEN}&wsfunction=auth_userkey_request_login_url"
        f"&moodlewsrestformat=json&user%5Busername%5D={username}"
    )


_TICK = os.sysconf("SC_CLK_TCK") if hasattr(os, "sysconf") else 100


def one_body(body: bytes) -> Callable[[], Awaitable[dict[str, Any]]]:
    """An ASGI ``receive`` for one request: its whole ``body``, then a disconnect."""
    done = False

    async def receive() -> dict[str, Any]:
        nonlocal done
        if done:
            return {"type": "http.disconnect"}
        done = True
        return {"type": "http.request", "body": body, "more_body": False}

    return receive


def form_scope(path: str, method: str, body: bytes, query: bytes = b"") -> dict[str, Any]:
    """An ASGI HTTP scope as the server would pass it, with a form body of ``body``'s length (in-process
    benches call the app with it)."""
    headers = [(b"host", b"bench"), (b"content-type", b"application/x-www-form-urlencoded")]
    headers.append((b"content-length", str(len(body)).encode()))
    return {
        "type": "http",
        "asgi": {"version": "3.0"},
        "http_version": "1.1",
        "method": method,
        "scheme": "http",
        "path": path,
        "raw_path": path.encode(),
        "query_string": query,
        "root_path": "",
        "headers": headers,
        "client": ("127.0.0.1", 50000),
        "server": ("127.0.0.1", 80),
    }


def _children() -> dict[int, list[int]]:
    children: dict[int, list[int]] = {}
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                stat = Path(f"/proc/{entry}/stat").read_text()
            except OSError:
                continue
            children.setdefault(int(stat.rsplit(")", 1)[1].split()[1]), []).append(int(entry))
    return children


def cpu_seconds(pid: int) -> float:
    """CPU time (user + system) used so far by process ``pid`` and its descendants (Linux /proc).

    On a machine shared with other work, requests/s depend on how many threads a server has to
    compete with (granian's I/O threads get more slices than uvicorn's one): CPU per request does not."""
    children = _children()
    tree = [pid]
    for process in tree:
        tree.extend(children.get(process, []))
    ticks = 0
    for process in tree:
        try:
            fields = Path(f"/proc/{process}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        ticks += int(fields[11]) + int(fields[12])
    return ticks / _TICK


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def _status(host: str, port: int, target: str) -> int | None:
    """The status of one plain ``GET target`` over a fresh connection; None while nothing listens."""
    connection = http.client.HTTPConnection(host, port, timeout=0.5)
    try:
        connection.request("GET", target)
        return connection.getresponse().status
    except (OSError, http.client.HTTPException):
        return None
    finally:
        connection.close()


def wait_ok(url: str, timeout: float = 20.0, any_status: bool = False) -> float:
    """Seconds until ``url`` (plain http) answers 200 (or anything, with ``any_status``).

    Polled every millisecond with the standard library's client: a poll costs well under a
    millisecond, so the figure is the server's (``httpx.get`` built a client with an SSL context on
    every call, ~50 ms, which made start-up read up to one poll later than it was)."""
    parts = urlsplit(url)
    target = parts.path or "/"
    if parts.query:
        target += "?" + parts.query
    start = time.perf_counter()
    while time.perf_counter() - start < timeout:
        status = _status(parts.hostname or "127.0.0.1", parts.port or 80, target)
        if status == 200 or (any_status and status is not None):
            return time.perf_counter() - start
        time.sleep(0.001)
    raise RuntimeError(f"{url} never answered 200")


def wrk(
    url: str,
    *,
    duration: int,
    connections: int,
    script: Path | None = None,
    env: dict[str, str] | None = None,
    prefix: Sequence[str] = (),
    pid: int | None = None,
    headers: Sequence[str] = (),
) -> dict[str, Any]:
    """One wrk run (one thread): requests, req/s, p50, p99, the count of non-2xx/3xx answers and,
    given the server's ``pid``, its CPU microseconds per request."""
    command = [*prefix, "wrk", "-t1", f"-c{connections}", f"-d{duration}s", "--latency", url]
    if script is not None:
        command[len(prefix) + 1 : len(prefix) + 1] = ["-s", str(script)]
    for header in headers:
        command[len(prefix) + 1 : len(prefix) + 1] = ["-H", header]
    cpu_before = cpu_seconds(pid) if pid else 0.0
    output = subprocess.run(
        command, capture_output=True, text=True, env={**os.environ, **(env or {})}, check=True
    ).stdout
    rps = re.search(r"Requests/sec:\s+([\d.]+)", output)
    if rps is None:
        raise RuntimeError(f"wrk: unexpected output\n{output}")
    latencies = dict(re.findall(r"^\s+(50|99)%\s+([\d.]+\w+)", output, re.MULTILINE))
    errors = re.search(r"Non-2xx or 3xx responses: (\d+)", output)
    requests = re.search(r"(\d+) requests in", output)
    count = int(requests.group(1)) if requests else 0
    cpu = cpu_seconds(pid) - cpu_before if pid else 0.0
    return {
        "requests": count,
        "cpu_us": cpu / count * 1e6 if count else 0.0,
        "rps": float(rps.group(1)),
        "p50": latencies.get("50", "?"),
        "p99": latencies.get("99", "?"),
        "non2xx": int(errors.group(1)) if errors else 0,
    }
