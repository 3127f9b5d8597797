"""CPU per request on Redis without sockets to the client: the whole ASGI app called in a loop.

Run: ``.venv/bin/python bench/stores_inprocess.py [--n 1500] [--batches 3]``. Needs Debian's
``redis-server`` (started here on a unix socket). For one app in memory, one app on Redis and two
apps on one Redis taking turns (as two workers would: each applies the other's changes), it prints
the CPU time per request of this process and of redis-server for (a) ``auth_userkey_request_login_url``
and (b) ``login.php`` with a fresh key per request, fastest batch of each (load on a shared machine
only adds). Steadier than ``bench/stores.py``'s req/s on a busy machine; it leaves out uvicorn and
the client's sockets, so it compares the store's cost, not the served stack.
"""

from __future__ import annotations

import argparse
import asyncio
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
sys.path[:0] = [str(HERE), str(HERE.parent)]

from benchlib import REST, cpu_seconds, form_scope, login_url_body, one_body  # noqa: E402
from run import bench_world  # noqa: E402

from mockserver.app import MockServerApp, create_app  # noqa: E402
from mockserver.config import ServerConfig  # noqa: E402
from mockserver.stores.server import RedisServer  # noqa: E402

LOGIN_PHP = "/auth/userkey/login.php"


async def _batch(apps: list[MockServerApp], part: str, keys: list[str], n: int) -> list[int]:
    """``n`` requests of ``part`` ("a" or "b"), the apps taking turns; the statuses seen."""
    body = login_url_body("student0").encode() if part == "a" else b""
    statuses: list[int] = []

    async def send(message: Any) -> None:
        if message["type"] == "http.response.start":
            statuses.append(message["status"])

    for i in range(n):
        app = apps[i % len(apps)]
        if part == "a":
            await app(form_scope(REST, "POST", body), one_body(body), send)
        else:
            await app(form_scope(LOGIN_PHP, "GET", b"", b"key=" + keys.pop().encode()), one_body(body), send)
    return statuses


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--n", type=int, default=1500, help="requests per batch")
    parser.add_argument("--batches", type=int, default=3)
    args = parser.parse_args()
    configs = ("memory, 1 app", "redis, 1 app", "redis, 2 apps")
    with tempfile.TemporaryDirectory() as tmp, RedisServer() as redis_server:
        per_config = (args.batches + 1) * (args.n + 50)
        scenario, key_file = bench_world(Path(tmp), len(configs) * per_config + 10)
        keys = key_file.read_text().split()
        print(f"stores in process: {args.n} requests per batch, fastest of {args.batches}")
        print(f"{'configuration':<16}{'endpoint':<24}{'app CPU/req':>13}{'redis CPU/req':>15}")
        for place, name in enumerate(configs):
            url = None if name.startswith("memory") else redis_server.url
            count = 2 if "2" in name else 1
            apps = [create_app(ServerConfig(scenario_path=scenario, store_url=url)) for _ in range(count)]
            mine = keys[place * per_config : (place + 1) * per_config]
            for part in ("a", "b"):
                asyncio.run(_batch(apps, part, mine, 50))  # warm: scripts loaded, subscriptions made
                best: tuple[float, float] | None = None
                for _ in range(args.batches):
                    app_before, redis_before = time.process_time(), cpu_seconds(redis_server.pid)
                    statuses = asyncio.run(_batch(apps, part, mine, args.n))
                    app_us = (time.process_time() - app_before) / args.n * 1e6
                    redis_us = (cpu_seconds(redis_server.pid) - redis_before) / args.n * 1e6 if url else 0.0
                    if set(statuses) != {200 if part == "a" else 303}:
                        raise SystemExit(f"{name} {part}: unexpected statuses {sorted(set(statuses))}")
                    if best is None or app_us + redis_us < sum(best):
                        best = (app_us, redis_us)
                assert best is not None
                label = "request_login_url" if part == "a" else "login.php, fresh keys"
                print(f"{name:<16}{label:<24}{best[0]:>11.0f}us{best[1]:>13.0f}us")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
