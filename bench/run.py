"""Issue-2 benchmark: request_login_url, login.php with fresh keys, and a Starlette baseline.

Run: ``make bench`` (or ``.venv/bin/python bench/run.py [--duration 5] [--connections 16]``).
Needs ``wrk`` (Debian package). All servers run on loopback with the same uvicorn settings, one
after the other in the same run, so the ratios compare like with like on a noisy 2-core machine.
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import httpx
import yaml
from benchlib import REST, ROOT, TOKEN, free_port, login_url_body, wait_ok, wrk

BIN = Path(sys.executable).parent


def bench_scenario(directory: Path, users: int) -> Path:
    """The demo's settings with many students, so every login.php request can use a fresh key."""
    scenario = {
        "name": "bench",
        "moodle": {"auth": ["userkey"]},
        "auth_userkey": {"mappingfield": "username", "keylifetime": 3600},
        "users": [{"id": 2, "username": "admin", "siteadmin": True}]
        + [
            {"username": f"student{i}", "firstname": "S", "lastname": str(i), "email": f"s{i}@example.com"}
            for i in range(users)
        ],
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
    path = directory / "bench.yaml"
    path.write_text(yaml.safe_dump(scenario), encoding="utf-8")
    return path


def run_wrk(url: str, args: argparse.Namespace, script: str | None = None, env: dict[str, str] | None = None) -> Any:
    return wrk(
        url,
        duration=args.duration,
        connections=args.connections,
        script=ROOT / "bench" / script if script else None,
        env=env,
    )


def start(command: list[str], port: int) -> tuple[subprocess.Popen[bytes], float]:
    began = time.perf_counter()
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    wait_ok(f"http://127.0.0.1:{port}/")
    return process, time.perf_counter() - began


def stop(process: subprocess.Popen[bytes]) -> None:
    process.terminate()
    process.wait(timeout=10)


def median_result(rounds: list[dict[str, Any]]) -> dict[str, Any]:
    """The round with the median throughput (its latencies belong to the same run)."""
    ordered = sorted(rounds, key=lambda r: r["rps"])
    result = dict(ordered[len(ordered) // 2])
    result["non2xx"] = sum(r["non2xx"] for r in rounds)
    return result


def mint_keys(base: str, users: int) -> list[str]:
    keys = []
    with httpx.Client(base_url=base) as client:
        for i in range(users):
            data = {
                "wstoken": TOKEN,
                "wsfunction": "auth_userkey_request_login_url",
                "moodlewsrestformat": "json",
                "user[username]": f"student{i}",
            }
            keys.append(client.post(REST, data=data).json()["loginurl"].rsplit("=", 1)[1])
    return keys


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--duration", type=int, default=3)
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument("--users", type=int, default=70000, help="students, i.e. fresh keys for login.php")
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--startups", type=int, default=5)
    args = parser.parse_args()
    mockserver = [str(BIN / "mockserver"), "serve", "--quiet", "--host", "127.0.0.1"]

    # An installed package has its bytecode compiled; a checkout run with PYTHONDONTWRITEBYTECODE
    # would recompile every module at each start, so compile once as `pip install` does.
    subprocess.run([sys.executable, "-m", "compileall", "-q", str(ROOT / "mockserver")], check=True)
    startups = []
    for _ in range(args.startups):
        port = free_port()
        process, elapsed = start(
            [*mockserver, "--scenario", str(ROOT / "scenarios/demo.yaml"), "--port", str(port)], port
        )
        startups.append(elapsed)
        stop(process)

    # The three servers stay up and are measured in interleaved rounds (c, a, b, c, a, b, ...):
    # a noisy neighbour then hurts every figure alike, and the medians are compared.
    results: dict[str, list[dict[str, Any]]] = {"a": [], "b": [], "c": []}
    with tempfile.TemporaryDirectory() as tmp:
        hello_port = free_port()
        hello, _ = start([sys.executable, str(ROOT / "bench/hello_app.py"), str(hello_port)], hello_port)
        scenario = bench_scenario(Path(tmp), args.users)
        port = free_port()
        server, _ = start([*mockserver, "--scenario", str(scenario), "--port", str(port)], port)
        base = f"http://127.0.0.1:{port}"
        body = login_url_body("student0")
        keys_file = Path(tmp) / "keys.txt"
        keys_file.write_text("\n".join(mint_keys(base, args.users)) + "\n", encoding="utf-8")
        used_keys = 0
        for _ in range(args.rounds):
            results["c"].append(run_wrk(f"http://127.0.0.1:{hello_port}/", args))
            results["a"].append(run_wrk(base + REST, args, "wrk_post.lua", {"BENCH_BODY": body}))
            login_round = run_wrk(
                base + "/", args, "wrk_keys.lua", {"BENCH_KEYS": str(keys_file), "BENCH_KEY_OFFSET": str(used_keys)}
            )
            used_keys += login_round["requests"] + args.connections  # in-flight keys at the end count too
            results["b"].append(login_round)
        stop(server)
        stop(hello)
    request_url, login, baseline = (median_result(results[name]) for name in ("a", "b", "c"))

    print(f"medians of {args.rounds} interleaved rounds of {args.duration} s, {args.connections} connections")
    print(f"{'endpoint':<38}{'req/s':>10}{'p50':>10}{'p99':>10}{'non-2xx/3xx':>13}")
    for name, result in (
        ("(a) auth_userkey_request_login_url", request_url),
        ("(b) login.php, fresh keys", login),
        ("(c) Starlette hello world", baseline),
    ):
        print(f"{name:<38}{result['rps']:>10.0f}{result['p50']:>10}{result['p99']:>10}{result['non2xx']:>13}")
    print(f"ratio a/c = {request_url['rps'] / baseline['rps']:.2f}   (target >= 0.5)")
    print(f"ratio b/c = {login['rps'] / baseline['rps']:.2f}   (target >= 0.5)")
    print(
        f"start-up to first 200: median {statistics.median(startups):.3f} s over {len(startups)} runs (target <= 0.5 s)"
    )
    if login["non2xx"]:
        print(f"note: {login['non2xx']} login.php requests found no fresh key (raise --users)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
