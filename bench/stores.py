"""Issue-11 benchmark: one worker in memory against one and two workers sharing the world on Redis.

Run: ``make bench`` (or ``.venv/bin/python bench/stores.py [--duration 3] [--rounds 3]``). Needs
``wrk`` and Debian's ``redis-server`` (started here on unix sockets in a temporary folder, one per
Redis configuration so the two never share a site). The three servers stay up and are measured
in interleaved rounds with the same wrk settings; medians are compared. Target on a 2-core
machine: two workers on Redis are not slower than one worker in memory (ratio >= 1.0).
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

from benchlib import REST, ROOT, cpu_seconds, free_port, login_url_body, wait_ok, wrk

sys.path.insert(0, str(ROOT))

from mockserver.stores.server import RedisServer

BIN = Path(sys.executable).parent
sys.path.insert(0, str(ROOT / "bench"))
from run import bench_world, median_result, stop  # noqa: E402

CONFIGS = ("memory, 1 worker", "redis, 1 worker", "redis, 2 workers")


def start(command: list[str], port: int) -> subprocess.Popen[bytes]:
    """Not pinned to a core (unlike bench/run.py): two workers are meant to use both."""
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, cwd=ROOT)
    try:
        wait_ok(f"http://127.0.0.1:{port}/login/index.php", timeout=120)
    except RuntimeError:
        process.kill()
        raise
    return process


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--duration", type=int, default=3)
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--users", type=int, default=60000, help="students, i.e. fresh keys for login.php")
    args = parser.parse_args()
    results: dict[str, dict[str, list[dict[str, Any]]]] = {c: {"a": [], "b": []} for c in CONFIGS}
    with tempfile.TemporaryDirectory() as tmp, RedisServer() as redis_one, RedisServer() as redis_two:
        scenario, keys = bench_world(Path(tmp), args.users)  # every student has a key at start
        mockserver = [str(BIN / "mockserver"), "serve", "--quiet", "--host", "127.0.0.1", "--scenario", str(scenario)]
        extra = {
            CONFIGS[0]: [],
            CONFIGS[1]: ["--store", redis_one.url],
            CONFIGS[2]: ["--store", redis_two.url, "--workers", "2"],
        }
        servers = {}
        cpu_of: dict[str, list[int]] = {}  # the server's processes and its redis-server: CPU per request
        for name, redis_server in zip(CONFIGS, (None, redis_one, redis_two), strict=True):
            port = free_port()
            process = start([*mockserver, "--port", str(port), *extra[name]], port)
            servers[name] = (process, f"http://127.0.0.1:{port}")
            cpu_of[name] = [process.pid] + ([redis_server.pid] if redis_server else [])
        body = login_url_body("student0")
        used = dict.fromkeys(CONFIGS, 0)
        for _ in range(args.rounds):
            for name in CONFIGS:
                _, base = servers[name]
                pids = cpu_of[name]
                before = sum(cpu_seconds(p) for p in pids)
                results[name]["a"].append(
                    wrk(
                        base + REST,
                        duration=args.duration,
                        connections=args.connections,
                        script=ROOT / "bench" / "wrk_post.lua",
                        env={"BENCH_BODY": body},
                    )
                )
                middle = sum(cpu_seconds(p) for p in pids)
                results[name]["a"][-1]["cpu_us"] = (middle - before) / max(results[name]["a"][-1]["requests"], 1) * 1e6
                login = wrk(
                    base + "/",
                    duration=args.duration,
                    connections=args.connections,
                    script=ROOT / "bench" / "wrk_keys.lua",
                    env={"BENCH_KEYS": str(keys), "BENCH_KEY_OFFSET": str(used[name])},
                )
                login["cpu_us"] = (sum(cpu_seconds(p) for p in pids) - middle) / max(login["requests"], 1) * 1e6
                used[name] += login["requests"] + args.connections
                results[name]["b"].append(login)
        for process, _ in servers.values():
            stop(process)

    medians = {name: {k: median_result(v) for k, v in parts.items()} for name, parts in results.items()}
    print(f"stores: medians of {args.rounds} interleaved rounds of {args.duration} s, {args.connections} connections")
    print("CPU/req: CPU time of the server's processes and of its redis-server per request")
    header = f"{'configuration':<22}{'endpoint':<24}{'req/s':>9}{'p50':>10}{'p99':>10}{'x memory':>10}{'CPU/req':>10}"
    print(header + f"{'non-2xx':>9}")
    for name in CONFIGS:
        for part, label in (("a", "request_login_url"), ("b", "login.php, fresh keys")):
            result, base_rps = medians[name][part], medians[CONFIGS[0]][part]["rps"]
            ratio = result["rps"] / base_rps if base_rps else 0.0
            print(
                f"{name:<22}{label:<24}{result['rps']:>9.0f}{result['p50']:>10}{result['p99']:>10}"
                f"{ratio:>10.2f}{result['cpu_us']:>8.0f}us{result['non2xx']:>9}"
            )
    two = medians[CONFIGS[2]]
    worst = min(two[p]["rps"] / medians[CONFIGS[0]][p]["rps"] for p in ("a", "b"))
    print(f"2 workers on Redis / 1 worker in memory: {worst:.2f} (worst endpoint; target >= 1.0)")
    if any(medians[n]["b"]["non2xx"] for n in CONFIGS):
        print("note: some login.php requests found no fresh key (raise --users)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
