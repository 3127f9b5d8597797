"""Soak: the server's memory under a long run of state-creating traffic, with the default limits.

Serves the demo (``mockserver serve``, default limits, journal on) and drives it with wrk
(``bench/wrk_soak.lua``: login URLs, login.php with the fresh key, first-visit and password
sessions, SENCE IniciarSesion + Ingresar and abandoned SENCE logins). The server's RSS is read
from /proc after the first ``--warmup`` requests (5,000) and then every ``--every`` requests up to
``--requests`` (1,000,000). Bounded means the later figures stay at the first one's level.

    .venv/bin/python bench/soak.py                      # 1,000,000 requests
    .venv/bin/python bench/soak.py --requests 200000    # a shorter run
"""

from __future__ import annotations

import argparse
import json
import os
import re
import signal
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path
from typing import Any

import httpx
from benchlib import ROOT, free_port, wait_ok

SCRIPT = ROOT / "bench" / "wrk_soak.lua"
MOCKSERVER = Path(sys.executable).parent / "mockserver"


def rss_mib(pid: int) -> float:
    """Resident memory of ``pid`` (VmRSS), MiB."""
    status = Path(f"/proc/{pid}/status").read_text()
    found = re.search(r"^VmRSS:\s+(\d+) kB", status, re.MULTILINE)
    if found is None:
        raise RuntimeError(f"no VmRSS for process {pid}")
    return int(found.group(1)) / 1024


def journal_total(base: str) -> int:
    """Requests the default tenant has served (the journal's running count)."""
    status = httpx.get(f"{base}/__mock/tenants/default", timeout=30).json()
    return int(status["journal"]["total"])


def drive(base: str, requests: int, threads: int) -> dict[str, Any]:
    """About ``requests`` requests of the soak mix (``threads`` wrk threads, one connection each).

    wrk stops at a duration, not a count: it runs until the server's journal has counted the
    requests, then gets SIGINT (it prints its summary then)."""
    target = journal_total(base) + requests
    process = subprocess.Popen(
        ["wrk", f"-t{threads}", f"-c{threads}", "-d3600s", "-s", str(SCRIPT), base],
        stdout=subprocess.PIPE,
        text=True,
        env={**os.environ, "BENCH_LIMIT": str(10**9)},
    )
    while journal_total(base) < target and process.poll() is None:
        time.sleep(0.2)
    process.send_signal(signal.SIGINT)
    output, _ = process.communicate(timeout=60)
    done = re.search(r"(\d+) requests in", output)
    errors = re.search(r"Non-2xx or 3xx responses: (\d+)", output)
    if done is None:
        raise RuntimeError(f"wrk: unexpected output\n{output}")
    failed: Counter[str] = Counter()
    for step, status, count in re.findall(r"^failed (\d+) (\d+) (\d+)$", output, re.MULTILINE):
        failed[f"step {step}: {status}"] += int(count)
    return {"requests": int(done.group(1)), "non2xx3xx": int(errors.group(1)) if errors else 0, "failed": failed}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--requests", type=int, default=1_000_000, help="requests in all (default 1,000,000)")
    parser.add_argument("--warmup", type=int, default=5_000, help="the first measurement (default 5,000)")
    parser.add_argument("--every", type=int, default=100_000, help="then one measurement every N requests")
    parser.add_argument("--threads", type=int, default=2, help="wrk threads, one connection each (at most 3)")
    parser.add_argument("--scenario", default="scenarios/demo.yaml", help="the world served (default: the demo)")
    args = parser.parse_args()
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    server = subprocess.Popen(
        [str(MOCKSERVER), "serve", "--quiet", "--scenario", args.scenario, "--port", str(port)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        cwd=ROOT,
    )
    samples: list[dict[str, float]] = []
    try:
        wait_ok(f"{base}/__mock/health", timeout=120)
        print(f"soak: {args.requests:,} requests of the mix in bench/wrk_soak.lua, RSS of the server")
        print(f"{'requests':>12} {'RSS MiB':>9} {'req/s':>8} {'non-2xx/3xx':>12}")
        print(f"{0:>12,} {rss_mib(server.pid):>9.1f}")
        total, failures = 0, 0
        failed: Counter[str] = Counter()
        while total < args.requests:
            step = args.warmup if total == 0 else min(args.every, args.requests - total)
            started = time.perf_counter()
            result = drive(base, step, args.threads)
            elapsed = time.perf_counter() - started
            total += result["requests"]
            failures += result["non2xx3xx"]
            failed.update(result["failed"])
            rss = rss_mib(server.pid)
            samples.append({"requests": total, "rss_mib": round(rss, 1)})
            rate = result["requests"] / elapsed if elapsed else 0.0
            print(f"{total:>12,} {rss:>9.1f} {rate:>8.0f} {failures:>12}", flush=True)
            if server.poll() is not None:
                raise RuntimeError("the server exited")
        first, last = samples[0], samples[-1]
        growth = last["rss_mib"] - first["rss_mib"]
        print(f"RSS after {first['requests']:,.0f}: {first['rss_mib']} MiB; after {last['requests']:,.0f}: "
              f"{last['rss_mib']} MiB ({growth:+.1f} MiB); non-2xx/3xx answers: {failures}")  # fmt: skip
        if failed:
            shown = ", ".join(f"{k} x{n}" for k, n in sorted(failed.items()))
            print(f"non-2xx/3xx by step of bench/wrk_soak.lua: {shown}")
        print(json.dumps({"samples": samples, "non2xx3xx": failures, "failed": dict(failed)}))
    finally:
        server.terminate()
        try:
            server.wait(timeout=15)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()
    return 0


if __name__ == "__main__":
    sys.exit(main())
