"""The benchmark of issue 11: every figure as a ratio against the fastest hello world of the same run.

Run: ``make bench`` (or ``.venv/bin/python bench/run.py [--duration 3] [--rounds 5] [--connections 16]``).
Needs ``wrk`` (Debian package). What is measured, all servers up at once and measured in interleaved
rounds (hello worlds, mock, ... then again), so a noisy neighbour on this shared machine hurts every
figure alike; the median round of each is reported:

* a Starlette hello world on each stack available here (uvicorn + uvloop + httptools, as the mock
  serves; granian when installed): the fastest one is the baseline (1.00);
* (a) ``auth_userkey_request_login_url`` (POST) and (b) ``login.php`` with a fresh key per request
  (the keys are in the bench world, one per student, so no request reuses one);
* start-up: process start to the first 200, and ``mockserver --help`` / ``validate`` of the demo.

With ``taskset`` the servers share CPU 0 and wrk has CPU 1, so the ratios compare one core each.
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from benchlib import REST, ROOT, TOKEN, free_port, login_url_body, wait_ok, wrk

BIN = Path(sys.executable).parent
PIN_SERVER = ["taskset", "-c", "0"] if shutil.which("taskset") and (os.cpu_count() or 1) > 1 else []
PIN_WRK = ["taskset", "-c", "1"] if PIN_SERVER else []
MOCKSERVER = [str(BIN / "mockserver")]


@dataclass
class Workload:
    """One wrk workload against one server; ``rounds`` collects each round's result."""

    name: str
    url: str
    script: str | None = None
    env: dict[str, str] = field(default_factory=dict)
    hello: bool = False
    pid: int | None = None
    rounds: list[dict[str, Any]] = field(default_factory=list)
    before: Callable[[Workload], None] | None = None


def bench_world(directory: Path, users: int) -> tuple[Path, Path]:
    """A JSON scenario with the demo's settings and ``users`` students, each with a login key at start,
    so every login.php request of the run can use a key never used before. Returns (scenario, keys)."""
    until = int(time.time()) + 86400
    keys = [f"{i:032x}" for i in range(1, users)]  # student0 is (a)'s user: its key is replaced
    scenario = {
        "name": "bench",
        "moodle": {"auth": ["userkey"]},
        "auth_userkey": {"mappingfield": "username", "keylifetime": 3600},
        "users": [{"id": 2, "username": "admin", "siteadmin": True}]
        + [
            {"username": f"student{i}", "firstname": "S", "lastname": str(i), "email": f"s{i}@example.com"}
            for i in range(users)
        ],
        "userkeys": [{"value": key, "user": f"student{i}", "validuntil": until} for i, key in enumerate(keys, 1)],
        "services": [
            {
                "name": "User key authentication web service",
                "restrictedusers": True,
                "functions": ["auth_userkey_request_login_url"],
                "authorisedusers": ["admin"],
            }
        ],
        "tokens": [{"token": TOKEN, "user": "admin", "service": "User key authentication web service"}],
    }
    path = directory / "bench.json"
    path.write_text(json.dumps(scenario), encoding="utf-8")
    keys_path = directory / "keys.txt"
    keys_path.write_text("\n".join(keys) + "\n", encoding="utf-8")
    return path, keys_path


def start(command: list[str], port: int, ready: str = "/", cwd: Path | None = None) -> subprocess.Popen[bytes]:
    process = subprocess.Popen(
        [*PIN_SERVER, *command], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, cwd=cwd or ROOT
    )
    try:
        wait_ok(f"http://127.0.0.1:{port}{ready}", timeout=120)
    except RuntimeError:
        process.kill()
        raise
    return process


def stop(process: subprocess.Popen[bytes]) -> None:
    process.terminate()
    try:
        process.wait(timeout=10)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


def median_result(rounds: list[dict[str, Any]]) -> dict[str, Any]:
    """The round with the median throughput (its latencies belong to the same run)."""
    ordered = sorted(rounds, key=lambda r: r["rps"])
    result = dict(ordered[len(ordered) // 2])
    result["non2xx"] = sum(r["non2xx"] for r in rounds)
    return result


def timed_runs(command: list[str], runs: int) -> float:
    """Median wall time of ``command`` (seconds)."""
    samples = []
    for _ in range(runs):
        began = time.perf_counter()
        subprocess.run(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=True, cwd=ROOT)
        samples.append(time.perf_counter() - began)
    return statistics.median(samples)


def startup(runs: int) -> dict[str, float]:
    """Process start to the first 200 of the demo, and the CLI's quick commands."""
    ready = []
    for _ in range(runs):
        port = free_port()
        began = time.perf_counter()
        process = start(
            [*MOCKSERVER, "serve", "--quiet", "--scenario", "scenarios/demo.yaml", "--port", str(port)],
            port,
            "/__mock/ready",
        )
        ready.append(time.perf_counter() - began)
        stop(process)
    return {
        "serve: start to first 200": statistics.median(ready),
        "mockserver --help": timed_runs([*MOCKSERVER, "--help"], runs),
        "mockserver validate scenarios/demo.yaml": timed_runs([*MOCKSERVER, "validate", "scenarios/demo.yaml"], runs),
    }


def hello_servers(stack: dict[str, subprocess.Popen[bytes]]) -> list[Workload]:
    """The hello world on each stack installed here."""
    workloads = []
    port = free_port()
    stack["hello uvicorn"] = start([sys.executable, "bench/hello_app.py", str(port)], port)
    url = f"http://127.0.0.1:{port}/"
    workloads.append(Workload("hello world, uvicorn+uvloop+httptools", url, hello=True, pid=stack["hello uvicorn"].pid))
    if importlib.util.find_spec("granian") is not None:
        port = free_port()
        granian = [str(BIN / "granian"), "--interface", "asgi", "--loop", "uvloop", "--no-ws", "--log-level", "warning"]
        stack["hello granian"] = start(
            [*granian, "--host", "127.0.0.1", "--port", str(port), "hello_app:app"], port, cwd=ROOT / "bench"
        )
        url = f"http://127.0.0.1:{port}/"
        workloads.append(Workload("hello world, granian", url, hello=True, pid=stack["hello granian"].pid))
    return workloads


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--duration", type=int, default=3)
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument("--users", type=int, default=60000, help="students, i.e. fresh keys for login.php")
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--startups", type=int, default=5)
    args = parser.parse_args()
    if shutil.which("wrk") is None:
        print("wrk is not installed (Debian: apt-get install wrk)", file=sys.stderr)
        return 2

    # An installed package has its bytecode compiled; a checkout run with PYTHONDONTWRITEBYTECODE
    # would recompile every module at each start, so compile once as `pip install` does.
    subprocess.run([sys.executable, "-m", "compileall", "-q", str(ROOT / "mockserver")], check=True)
    starts = startup(args.startups)

    servers: dict[str, subprocess.Popen[bytes]] = {}
    with tempfile.TemporaryDirectory() as tmp:
        try:
            workloads = hello_servers(servers)
            scenario, keys = bench_world(Path(tmp), args.users)
            port = free_port()
            servers["mock"] = start(
                [*MOCKSERVER, "serve", "--quiet", "--scenario", str(scenario), "--port", str(port)],
                port,
                "/__mock/ready",
            )
            base = f"http://127.0.0.1:{port}"
            mock = servers["mock"].pid
            login = Workload(
                "(b) login.php, fresh keys", base + "/", "wrk_keys.lua", {"BENCH_KEYS": str(keys)}, pid=mock
            )

            def next_keys(workload: Workload) -> None:
                # keys in flight when a round ends were spent too: skip them
                used = sum(r["requests"] for r in workload.rounds) + len(workload.rounds) * args.connections
                workload.env["BENCH_KEY_OFFSET"] = str(used)

            login.before = next_keys
            workloads += [
                Workload(
                    "(a) auth_userkey_request_login_url",
                    base + REST,
                    "wrk_post.lua",
                    {"BENCH_BODY": login_url_body("student0")},
                    pid=mock,
                ),
                login,
            ]
            for _ in range(args.rounds):
                for workload in workloads:
                    if workload.before is not None:
                        workload.before(workload)
                    workload.rounds.append(
                        wrk(
                            workload.url,
                            duration=args.duration,
                            connections=args.connections,
                            script=ROOT / "bench" / workload.script if workload.script else None,
                            env=workload.env,
                            prefix=PIN_WRK,
                            pid=workload.pid,
                        )
                    )
        finally:
            for process in servers.values():
                stop(process)

    results = {w.name: median_result(w.rounds) for w in workloads}
    cpu = {w.name: statistics.median(r["cpu_us"] for r in w.rounds) for w in workloads}
    baseline = max((w for w in workloads if w.hello), key=lambda w: results[w.name]["rps"])
    base_rps = results[baseline.name]["rps"]
    base_cpu = min(cpu[w.name] for w in workloads if w.hello)
    pinned = "servers on CPU 0, wrk on CPU 1" if PIN_SERVER else "unpinned"
    print(f"medians of {args.rounds} interleaved rounds of {args.duration} s, wrk -t1 -c{args.connections}, {pinned}")
    print(f"ratio: req/s over the fastest hello world's ({baseline.name})")
    print("cpu ratio: the cheapest hello world's CPU time per request over this one's (steady on a busy machine)")
    print(
        f"{'workload':<40}{'req/s':>9}{'ratio':>7}{'p50':>10}{'p99':>10}{'CPU/req':>10}{'cpu ratio':>10}{'errors':>8}"
    )
    for workload in workloads:
        r = results[workload.name]
        line = f"{workload.name:<40}{r['rps']:>9.0f}{r['rps'] / base_rps:>7.2f}{r['p50']:>10}{r['p99']:>10}"
        print(f"{line}{cpu[workload.name]:>8.0f}us{base_cpu / cpu[workload.name]:>10.2f}{r['non2xx']:>8}")
    print("targets: (a) and (b) ratio >= 0.50, p99 <= 10 ms; errors = answers not 2xx/3xx")
    if results[login.name]["non2xx"]:
        print(f"note: {results[login.name]['non2xx']} login.php requests found no fresh key (raise --users)")
    print()
    print(f"start-up (median of {args.startups}; target <= 0.3 s)")
    for name, seconds in starts.items():
        print(f"  {name:<44}{seconds:>7.3f} s")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
