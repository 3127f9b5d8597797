"""The journal's (and the fault matcher's) cost on request throughput, measured with wrk.

Run: ``.venv/bin/python bench/journal.py [--duration 5] [--rounds 3] [--connections 16]``.
Needs ``wrk``. Three ``mockserver serve`` processes run the demo world side by side:

* ``off``: ``--journal-size 0`` and no faults: requests pass the middleware untouched;
* ``journal``: the default journal (1000 entries per tenant; full after the first second, so
  every request also drops one);
* ``journal+faults``: the journal plus 10 faults that never match (the matcher runs per request).

Each workload runs against the three servers in turn, ``--rounds`` times, interleaved, and the
best requests/s of each is compared, so all figures come from the same run on the same machine.
With ``taskset`` available the servers share CPU 0 and wrk gets CPU 1.

The same three configurations are then timed in-process (the full ASGI app, no sockets): the
cost per request in microseconds of the fastest batch, far steadier than throughput on a busy
machine.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import httpx
from benchlib import POST_SCRIPT, ROOT, form_scope, free_port, login_url_body, one_body, wait_ok, wrk

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from mockserver.app import MockServerApp, create_app
from mockserver.config import ServerConfig

LOGIN_BODY = login_url_body("alumno1")
WORKLOADS = {
    "POST request_login_url": ("/webservice/rest/server.php", True),
    "GET /login/index.php": ("/login/index.php", False),
}


PIN_SERVER = ["taskset", "-c", "0"] if shutil.which("taskset") and (os.cpu_count() or 1) > 1 else []
PIN_WRK = ["taskset", "-c", "1"] if PIN_SERVER else []
FAULTS = [{"match": {"path": f"/never/{i}", "wsfunction": "x"}, "status": 500} for i in range(10)]


def start(extra: list[str]) -> tuple[subprocess.Popen[bytes], str]:
    port = free_port()
    command = [
        *PIN_SERVER,
        sys.executable,
        "-m",
        "mockserver",
        "serve",
        "--quiet",
        "--scenario",
        str(ROOT / "scenarios" / "demo.yaml"),
    ]
    process = subprocess.Popen(
        [*command, "--port", str(port), *extra], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, cwd=ROOT
    )
    url = f"http://127.0.0.1:{port}"
    try:
        wait_ok(url + "/__mock/ready")
    except RuntimeError:
        process.kill()
        raise
    return process, url


def throughput(url: str, post: bool, duration: int, connections: int) -> float:
    """Requests/s of one wrk run; every answer must be a 2xx/3xx."""
    result = wrk(
        url,
        duration=duration,
        connections=connections,
        script=POST_SCRIPT if post else None,
        env={"BENCH_BODY": LOGIN_BODY},
        prefix=PIN_WRK,
    )
    if result["non2xx"]:
        raise RuntimeError(f"wrk: {result['non2xx']} answers were not 2xx/3xx at {url}")
    rps: float = result["rps"]
    return rps


async def _batch(app: MockServerApp, path: str, post: bool, n: int) -> float:
    body = LOGIN_BODY.encode() if post else b""

    async def send(message: Any) -> None:
        pass

    started = time.perf_counter()
    for _ in range(n):
        await app(form_scope(path, "POST" if post else "GET", body), one_body(body), send)
    return (time.perf_counter() - started) / n * 1e6


def in_process(batches: int = 20, n: int = 500) -> dict[tuple[str, str], float]:
    """Microseconds per request through the whole app (fastest batch: other load only adds time)."""
    demo = Path(__file__).resolve().parent.parent / "scenarios" / "demo.yaml"
    apps = {
        "off": create_app(ServerConfig(scenario_path=demo, journal_size=0)),
        "journal": create_app(ServerConfig(scenario_path=demo)),
        "journal+faults": create_app(ServerConfig(scenario_path=demo)),
    }
    book = apps["journal+faults"].admin.runtime(apps["journal+faults"].tenants.default).faults
    from mockserver.admin.faultspec import FaultSpec

    for spec in FAULTS:
        book.add(FaultSpec.model_validate(spec))
    samples: dict[tuple[str, str], list[float]] = {}
    for _ in range(batches):
        for workload, (path, post) in WORKLOADS.items():
            for name, app in apps.items():
                samples.setdefault((workload, name), []).append(asyncio.run(_batch(app, path, post, n)))
    return {key: min(values) for key, values in samples.items()}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--duration", type=int, default=5)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--connections", type=int, default=16)
    args = parser.parse_args()
    if shutil.which("wrk") is None:
        print("wrk is not installed (Debian: apt-get install wrk)", file=sys.stderr)
        return 2
    configs = {"off": ["--journal-size", "0"], "journal": [], "journal+faults": []}
    servers = {name: start(extra) for name, extra in configs.items()}
    try:
        httpx.post(servers["journal+faults"][1] + "/__mock/tenants/default/faults", json=FAULTS).raise_for_status()
        best: dict[tuple[str, str], float] = {}
        for _ in range(args.rounds):
            for workload, (path, post) in WORKLOADS.items():
                for name, (_, url) in servers.items():
                    rate = throughput(url + path, post, args.duration, args.connections)
                    best[workload, name] = max(best.get((workload, name), 0.0), rate)
        journal = httpx.get(servers["journal"][1] + "/__mock/tenants/default/journal?limit=1").json()
    finally:
        for process, _ in servers.values():
            process.terminate()
            process.wait(timeout=10)

    setup = f"wrk -t1 -c{args.connections}, {args.duration}s x {args.rounds} rounds, best"
    print(f"journal overhead on throughput ({setup})")
    print(f"{'workload':<24}{'off req/s':>11}{'journal':>11}{'overhead':>10}{'+faults':>11}{'overhead':>10}")
    for workload in WORKLOADS:
        off = best[workload, "off"]
        on = best[workload, "journal"]
        faulty = best[workload, "journal+faults"]
        print(
            f"{workload:<24}{off:>11.0f}{on:>11.0f}{(1 - on / off) * 100:>9.1f}%"
            f"{faulty:>11.0f}{(1 - faulty / off) * 100:>9.1f}%"
        )
    print(
        f"journal after the run: size {journal['size']}, kept {journal['kept']}, "
        f"recorded {journal['total']}, dropped {journal['dropped']}"
    )
    costs = in_process()
    print()
    print("in-process cost per request (full ASGI app, fastest of 20 batches of 500 requests)")
    print(f"{'workload':<24}{'off us':>11}{'journal':>11}{'overhead':>10}{'+faults':>11}{'overhead':>10}")
    for workload in WORKLOADS:
        off = costs[workload, "off"]
        on = costs[workload, "journal"]
        faulty = costs[workload, "journal+faults"]
        print(
            f"{workload:<24}{off:>11.1f}{on:>11.1f}{(on / off - 1) * 100:>9.1f}%"
            f"{faulty:>11.1f}{(faulty / off - 1) * 100:>9.1f}%"
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
