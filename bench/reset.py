"""Reset time of the demo world (target: <= 5 ms), direct and through the admin API.

Run: ``.venv/bin/python bench/reset.py [--rounds 500]``. Each round first dirties the world (a
login key per student, a browser session, journal entries, a runtime fault), then resets it:

* ``direct``: ``AdminState.reset()`` (world rebuilt from the scenario, clock, random source,
  journal, faults) — what the API does;
* ``in-process HTTP``: ``POST /__mock/tenants/default/reset`` through the ASGI stack;
* ``live HTTP``: the same against uvicorn on loopback (adds the TCP round trip).
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from mockserver.app import MockServerApp, create_app  # noqa: E402
from mockserver.config import ServerConfig  # noqa: E402
from mockserver.testing.server import ThreadedServer  # noqa: E402

DEMO = ROOT / "scenarios" / "demo.yaml"
TOKEN = "d1c2b3a4e5f60718293a4b5c6d7e8f90"
REST = "/webservice/rest/server.php"
RESET = "/__mock/tenants/default/reset"


def dirty(client: httpx.Client) -> None:
    for username in ("alumno1", "alumno2", "docente1"):
        client.post(
            REST,
            data={
                "wstoken": TOKEN,
                "wsfunction": "auth_userkey_request_login_url",
                "moodlewsrestformat": "json",
                "user[username]": username,
            },
        )
    client.get("/login/index.php")
    client.post("/__mock/tenants/default/faults", json={"status": 500, "match": {"path": "/nowhere"}})


def summary(name: str, samples: list[float]) -> str:
    ms = sorted(s * 1000 for s in samples)
    p95 = ms[int(len(ms) * 0.95) - 1]
    return f"{name:<18} median {statistics.median(ms):7.3f} ms   p95 {p95:7.3f} ms   max {ms[-1]:7.3f} ms"


def timed(rounds: int, before: Callable[[], None], action: Callable[[], None]) -> list[float]:
    samples = []
    for _ in range(rounds):
        before()
        started = time.perf_counter()
        action()
        samples.append(time.perf_counter() - started)
    return samples


async def inprocess(app: MockServerApp, rounds: int) -> list[float]:
    transport = httpx.ASGITransport(app=app, client=("127.0.0.1", 50000))
    async with httpx.AsyncClient(
        transport=transport, base_url="http://localhost"
    ) as client:  # admin API: known hosts only
        samples = []
        for _ in range(rounds):
            for username in ("alumno1", "alumno2"):
                data = {"wstoken": TOKEN, "wsfunction": "auth_userkey_request_login_url", "user[username]": username}
                await client.post(REST, data=data)
            started = time.perf_counter()
            response = await client.post(RESET)
            samples.append(time.perf_counter() - started)
            assert response.status_code == 200
        return samples


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rounds", type=int, default=500)
    rounds = parser.parse_args().rounds

    app = create_app(ServerConfig(scenario_path=DEMO))
    server = ThreadedServer(app)
    try:
        with httpx.Client(base_url=server.url) as client:
            runtime = app.admin.runtime(app.tenants.default)
            direct = timed(rounds, lambda: dirty(client), lambda: app.admin.reset(runtime))
            live = timed(rounds, lambda: dirty(client), lambda: client.post(RESET).raise_for_status())
    finally:
        server.stop()
    in_process = asyncio.run(inprocess(create_app(ServerConfig(scenario_path=DEMO)), rounds))

    print(f"reset of the demo world ({rounds} rounds each; target <= 5 ms)")
    print(summary("direct", direct))
    print(summary("in-process HTTP", in_process))
    print(summary("live HTTP", live))
    worst = statistics.median(live) * 1000
    print(f"verdict: {'OK' if worst <= 5 else 'OVER TARGET'} (live HTTP median {worst:.3f} ms)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
