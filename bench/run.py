"""The benchmark of issue 11: every figure as a ratio against the fastest hello world of the same run.

Run: ``make bench`` (or ``.venv/bin/python bench/run.py [--duration 3] [--rounds 5] [--connections 16]``).
Needs ``wrk`` (Debian package). What is measured, all servers up at once and measured in interleaved
rounds (hello worlds, mock, ... then again), so a noisy neighbour on this shared machine hurts every
figure alike; the median round of each is reported:

* a Starlette hello world on each stack available here (uvicorn + uvloop + httptools, as the mock
  serves; granian when installed): the fastest one is the baseline (1.00);
* (a) ``auth_userkey_request_login_url`` (POST) and (b) ``login.php`` with a fresh key per request
  (the keys are in the bench world, one per student, so no request reuses one);
* the same ``request_login_url`` reply (the mock's own bytes) as a static stub from WireMock and
  from Mockoon CLI, the mock servers users would otherwise pick (npm packages pinned in
  bench/package.json and package-lock.json, installed here with ``npm ci``; Java runs WireMock);
* start-up: process start to the first 200 (wall, and the server's CPU by then), with the cache of
  validated scenarios and without it (a first start), and ``mockserver --help`` / ``validate`` of the
  demo (validate with that cache off, then on); ``--only startup`` runs just this section (no wrk needed).

With ``taskset`` the servers share CPU 0 and wrk has CPU 1, so the ratios compare one core each.
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import os
import resource
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

import httpx
from benchlib import REST, ROOT, TOKEN, cpu_seconds, free_port, login_url_body, wait_ok, wrk

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
    spent: int = 0  # login keys used so far (warm-up and rounds), counting the ones in flight
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
        "limits": {"userkeys": users},  # every key of the run stays live (the default keeps 2,000)
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


def start(
    command: list[str], port: int, ready: str = "/", cwd: Path | None = None, any_status: bool = False
) -> subprocess.Popen[bytes]:
    """Start a server pinned to the servers' CPU; return when ``ready`` answers 200 (any answer
    with ``any_status``: the stubs answer only their one route)."""
    process = subprocess.Popen(
        [*PIN_SERVER, *command], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, cwd=cwd or ROOT
    )
    try:
        wait_ok(f"http://127.0.0.1:{port}{ready}", timeout=180, any_status=any_status)
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


def _script(workload: Workload) -> Path | None:
    return ROOT / "bench" / workload.script if workload.script else None


def median_result(rounds: list[dict[str, Any]]) -> dict[str, Any]:
    """The round with the median throughput (its latencies belong to the same run)."""
    ordered = sorted(rounds, key=lambda r: r["rps"])
    result = dict(ordered[len(ordered) // 2])
    result["non2xx"] = sum(r["non2xx"] for r in rounds)
    return result


def timed_runs(command: list[str], runs: int, env: dict[str, str] | None = None) -> tuple[float, float]:
    """Median wall time and median CPU time (user + system) of ``command`` (seconds)."""
    walls, cpus = [], []
    for _ in range(runs):
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        began = time.perf_counter()
        subprocess.run(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=True, cwd=ROOT, env=env)
        walls.append(time.perf_counter() - began)
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        cpus.append(after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime)
    return statistics.median(walls), statistics.median(cpus)


def _first_200(command: list[str], port: int, ready: str, env: dict[str, str] | None) -> tuple[float, float]:
    """Wall seconds from process start to the first 200 of ``ready``, and the CPU seconds the server
    had used by then (steadier on a shared machine). The server runs on the servers' CPU; this
    process polls from the other one (``wait_ok``: a cheap poll every millisecond)."""
    process = subprocess.Popen(
        [*PIN_SERVER, *command], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, cwd=ROOT, env=env
    )
    began = time.perf_counter()
    try:
        wait_ok(f"http://127.0.0.1:{port}{ready}", timeout=180)
        wall = time.perf_counter() - began
        cpu = cpu_seconds(process.pid)
    finally:
        stop(process)
    return wall, cpu


def startup(runs: int) -> dict[str, tuple[float, float]]:
    """Process start to the first 200 of the demo (and of the bare hello world, for scale: this
    machine's speed varies a lot), and the CLI's quick commands: (wall, CPU) medians.

    ``serve`` reuses what an earlier start with the same files validated (mockserver/world/loadcache.py);
    "first start" is the same with that cache off (a fresh container, or a scenario just edited)."""
    cold = {**os.environ, "MOCKSERVER_CACHE_DIR": "off"}
    cases: dict[str, tuple[list[str], str, dict[str, str] | None]] = {
        "serve: start to first 200": (
            [*MOCKSERVER, "serve", "--quiet", "--scenario", "scenarios/demo.yaml", "--port", "{port}"],
            "/__mock/ready",
            None,
        ),
        "serve, first start (cache off)": (
            [*MOCKSERVER, "serve", "--quiet", "--scenario", "scenarios/demo.yaml", "--port", "{port}"],
            "/__mock/ready",
            cold,
        ),
        "(bare hello world: start to first 200)": ([sys.executable, "bench/hello_app.py", "{port}"], "/", None),
    }
    pinned = PIN_WRK and hasattr(os, "sched_setaffinity")
    mask = os.sched_getaffinity(0) if pinned else set()
    if pinned:
        os.sched_setaffinity(0, {1})  # the poller off the servers' CPU
    samples: dict[str, list[tuple[float, float]]] = {name: [] for name in cases}
    try:
        for _ in range(runs):
            for name, (command, ready, env) in cases.items():
                port = free_port()
                args = [str(port) if part == "{port}" else part for part in command]
                samples[name].append(_first_200(args, port, ready, env))
    finally:
        if pinned:
            os.sched_setaffinity(0, mask)
    results = {
        name: (statistics.median(w for w, _ in rows), statistics.median(c for _, c in rows))
        for name, rows in samples.items()
    }
    results["mockserver --help"] = timed_runs([*MOCKSERVER, "--help"], runs)
    validate = [*MOCKSERVER, "validate", "scenarios/demo.yaml"]
    results["mockserver validate scenarios/demo.yaml"] = timed_runs(validate, runs, cold)
    results["  the same, validated before (cache)"] = timed_runs(validate, runs)
    results["(bare interpreter: python -c pass)"] = timed_runs([sys.executable, "-c", "pass"], runs)
    return results


def print_startup(starts: dict[str, tuple[float, float]], runs: int) -> None:
    print(f"start-up (median of {runs}; target <= 0.3 s)                wall      CPU")
    for name, (wall, cpu) in starts.items():
        print(f"  {name:<52}{wall:>7.3f} s{cpu:>7.3f} s")


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


def install_peers() -> Path | None:
    """bench/node_modules from the lock file (``npm ci``), or None without npm."""
    bench = ROOT / "bench"
    if shutil.which("npm") is None:
        print("note: npm is missing: WireMock and Mockoon are left out", file=sys.stderr)
        return None
    marker = bench / "node_modules" / ".package-lock.json"
    lock = bench / "package-lock.json"
    if not marker.exists() or marker.stat().st_mtime < lock.stat().st_mtime:
        subprocess.run(["npm", "ci", "--no-audit", "--no-fund", "--silent"], cwd=bench, check=True)
    return bench / "node_modules"


def stub_reply(base: str) -> tuple[bytes, str]:
    """The mock's own answer to request_login_url (body and Content-Type) for the static stubs."""
    response = httpx.post(
        base + REST, content=login_url_body("student0"), headers={"Content-Type": "application/x-www-form-urlencoded"}
    )
    response.raise_for_status()
    return response.content, response.headers["content-type"]


def wiremock(modules: Path, directory: Path, body: bytes, media: str) -> tuple[list[str], int]:
    mappings = directory / "wiremock" / "mappings"
    mappings.mkdir(parents=True)
    stub = {
        "request": {"method": "POST", "url": REST},
        "response": {"status": 200, "body": body.decode(), "headers": {"Content-Type": media}},
    }
    (mappings / "request_login_url.json").write_text(json.dumps(stub), encoding="utf-8")
    jar = next((modules / "wiremock" / "build").glob("wiremock-standalone-*.jar"))
    port = free_port()
    root = str(directory / "wiremock")
    command = ["java", "-jar", str(jar), "--port", str(port), "--bind-address", "127.0.0.1", "--root-dir", root]
    return [*command, "--disable-banner"], port


def mockoon(modules: Path, directory: Path, body: bytes, media: str) -> tuple[list[str], int]:
    port = free_port()
    route = "7d3f0c1e-0000-4000-8000-000000000002"
    response = {
        "uuid": "7d3f0c1e-0000-4000-8000-000000000003",
        "body": body.decode(),
        "latency": 0,
        "statusCode": 200,
        "label": "",
        "headers": [{"key": "Content-Type", "value": media}],
        "bodyType": "INLINE",
        "filePath": "",
        "databucketID": "",
        "sendFileAsBody": False,
        "rules": [],
        "rulesOperator": "OR",
        "disableTemplating": True,
        "fallbackTo404": False,
        "default": True,
        "crudKey": "id",
        "callbacks": [],
    }
    environment = {
        "uuid": "7d3f0c1e-0000-4000-8000-000000000001",
        "lastMigration": 33,
        "name": "bench",
        "endpointPrefix": "",
        "latency": 0,
        "port": port,
        "hostname": "127.0.0.1",
        "folders": [],
        "routes": [
            {
                "uuid": route,
                "type": "http",
                "documentation": "",
                "method": "post",
                "endpoint": REST.lstrip("/"),
                "responses": [response],
                "responseMode": None,
                "streamingMode": None,
                "streamingInterval": 0,
            }
        ],
        "rootChildren": [{"type": "route", "uuid": route}],
        "proxyMode": False,
        "proxyHost": "",
        "proxyRemovePrefix": False,
        "tlsOptions": {"enabled": False, "type": "CERT", "pfxPath": "", "certPath": "", "keyPath": ""},
        "cors": False,
        "headers": [],
        "proxyReqHeaders": [],
        "proxyResHeaders": [],
        "data": [],
        "callbacks": [],
    }
    path = directory / "mockoon.json"
    path.write_text(json.dumps(environment), encoding="utf-8")
    cli = modules / ".bin" / "mockoon-cli"
    return [str(cli), "start", "--data", str(path), "--disable-log-to-file", "--disable-admin-api"], port


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--duration", type=int, default=3)
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument("--users", type=int, default=60000, help="students, i.e. fresh keys for login.php")
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--startups", type=int, default=5)
    parser.add_argument("--no-peers", action="store_true", help="leave out WireMock and Mockoon (no npm, no Java)")
    parser.add_argument("--only", choices=["startup"], help="run only this section (start-up needs no wrk)")
    args = parser.parse_args()
    if args.only == "startup":
        subprocess.run([sys.executable, "-m", "compileall", "-q", str(ROOT / "mockserver")], check=True)
        print_startup(startup(args.startups), args.startups)
        return 0
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
                workload.env["BENCH_KEY_OFFSET"] = str(workload.spent)

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
            modules = None if args.no_peers else install_peers()
            if modules is not None:
                body, media = stub_reply(base)
                for name, make in (("WireMock", wiremock), ("Mockoon CLI", mockoon)):
                    command, peer_port = make(modules, Path(tmp), body, media)
                    servers[name] = start(command, peer_port, ready="/__bench_ready__", any_status=True)
                    workloads.append(
                        Workload(
                            f"{name}: static request_login_url",
                            f"http://127.0.0.1:{peer_port}{REST}",
                            "wrk_post.lua",
                            {"BENCH_BODY": login_url_body("student0")},
                            pid=servers[name].pid,
                        )
                    )
            for workload in workloads:  # warm-up, not counted: JIT compilers (WireMock's JVM), caches
                if workload.before is not None:
                    workload.before(workload)
                warm = wrk(
                    workload.url,
                    duration=1,
                    connections=args.connections,
                    script=_script(workload),
                    env=workload.env,
                    prefix=PIN_WRK,
                )
                workload.spent += warm["requests"] + args.connections
            for _ in range(args.rounds):
                for workload in workloads:
                    if workload.before is not None:
                        workload.before(workload)
                    result = wrk(
                        workload.url,
                        duration=args.duration,
                        connections=args.connections,
                        script=_script(workload),
                        env=workload.env,
                        prefix=PIN_WRK,
                        pid=workload.pid,
                    )
                    workload.rounds.append(result)
                    workload.spent += result["requests"] + args.connections
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
    print_startup(starts, args.startups)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
