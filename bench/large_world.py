"""A large generated world: load time and memory (YAML and JSON), reset and tenant creation, and the
cost of the pages and calls that must not grow with the world.

Run: ``.venv/bin/python bench/large_world.py [--users 100000 --courses 1000 --enrolments 200000]``.
Targets (issue 11): load <= 2 s and <= 250 MB RSS; reset and tenant creation <= 50 ms; the front
page and request_login_url as fast as in a small world (ratio ~1.0).
"""

from __future__ import annotations

import argparse
import json
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


def generate(users: int, courses: int, enrolments: int) -> dict[str, Any]:
    """``users`` students, ``courses`` courses, ``enrolments`` enrolments spread evenly, plus the
    admin and a token for auth_userkey_request_login_url."""
    per_user = max(1, enrolments // max(users, 1))
    enrolled = [
        {"user": f"u{(i // per_user) % users}", "course": f"c{(i * 7 + i // per_user) % courses}"}
        for i in range(enrolments)
    ]
    unique = list({(e["user"], e["course"]): e for e in enrolled}.values())
    return {
        "name": "large",
        "moodle": {"auth": ["manual", "userkey"]},
        "auth_userkey": {"mappingfield": "username"},
        "users": [{"id": 2, "username": "admin", "siteadmin": True}]
        + [
            {"username": f"u{i}", "firstname": "F", "lastname": str(i), "email": f"u{i}@example.com"}
            for i in range(users)
        ],
        "courses": [{"shortname": f"c{i}", "fullname": f"Course {i}"} for i in range(courses)],
        "enrolments": unique,
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


def peak_rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return 0.0


def serve(scenario: Path) -> tuple[subprocess.Popen[bytes], str, float]:
    """``mockserver serve`` on ``scenario``: the process, its URL and the seconds to its first 200."""
    port = free_port()
    began = time.perf_counter()
    command = [str(BIN / "mockserver"), "serve", "--quiet", "--scenario", str(scenario), "--port", str(port)]
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, cwd=ROOT)
    url = f"http://127.0.0.1:{port}"
    wait_ok(url + "/__mock/ready", timeout=600)
    return process, url, time.perf_counter() - began


def load_seconds(scenario: Path, runs: int) -> float:
    """Median in-process time of load_scenario + create_app (no interpreter start-up, no imports)."""
    code = (
        "import sys,time;from pathlib import Path;from mockserver.app import create_app;"
        "from mockserver.config import ServerConfig;t=time.perf_counter();"
        f"create_app(ServerConfig(scenario_path=Path({str(scenario)!r})));print(time.perf_counter()-t)"
    )
    samples = [float(subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout)]
    for _ in range(runs - 1):
        samples.append(
            float(subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout)
        )
    return statistics.median(samples)


def timed_posts(client: httpx.Client, path: str, runs: int, body: Any = None) -> float:
    samples = []
    for i in range(runs):
        began = time.perf_counter()
        payload = body(i) if callable(body) else body
        client.post(path, json=payload).raise_for_status()
        samples.append(time.perf_counter() - began)
    return statistics.median(samples) * 1000


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--users", type=int, default=100_000)
    parser.add_argument("--courses", type=int, default=1_000)
    parser.add_argument("--enrolments", type=int, default=200_000)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--duration", type=int, default=3)
    args = parser.parse_args()
    world = generate(args.users, args.courses, args.enrolments)
    with tempfile.TemporaryDirectory() as tmp:
        paths = {"json": Path(tmp) / "large.json", "yaml": Path(tmp) / "large.yaml"}
        paths["json"].write_text(json.dumps(world), encoding="utf-8")
        paths["yaml"].write_text(yaml.dump(world, Dumper=getattr(yaml, "CSafeDumper", yaml.SafeDumper)), "utf-8")
        print(
            f"large world: {args.users} users, {args.courses} courses, {len(world['enrolments'])} enrolments "
            "(targets: load <= 2 s, RSS <= 250 MB, reset and new tenant <= 50 ms)"
        )
        for kind, path in paths.items():
            seconds = load_seconds(path, args.runs)
            process, url, ready = serve(path)
            rss = peak_rss_mb(process.pid)
            print(
                f"  {kind:<5} load + build {seconds:6.2f} s   serve to first 200 {ready:6.2f} s"
                f"   peak RSS {rss:5.0f} MB"
            )
            if kind != "json":
                process.terminate()
                process.wait()
                continue
            try:
                with httpx.Client(base_url=url, timeout=120) as client:
                    reset = timed_posts(client, "/__mock/tenants/default/reset", args.runs)
                    create = timed_posts(client, "/__mock/tenants", args.runs, lambda i: {"name": f"bench{i}"})
                print(f"  reset {reset:.1f} ms, new tenant {create:.1f} ms (medians of {args.runs})")
                small, small_url, _ = serve(ROOT / "scenarios" / "demo.yaml")
                try:
                    for name, path_, script, env in (
                        ("front page", "/", None, {}),
                        ("request_login_url", REST, "wrk_post.lua", {"BENCH_BODY": login_url_body("u1")}),
                    ):
                        demo_env = {"BENCH_BODY": login_url_body("alumno1")} if script else {}
                        big = wrk(url + path_, duration=args.duration, connections=16, script=_script(script), env=env)
                        demo = wrk(
                            small_url + path_,
                            duration=args.duration,
                            connections=16,
                            script=_script(script),
                            env=demo_env,
                        )
                        print(
                            f"  {name:<18} large {big['rps']:7.0f} req/s   demo {demo['rps']:7.0f} req/s   "
                            f"ratio {big['rps'] / demo['rps']:.2f}"
                        )
                finally:
                    small.terminate()
                    small.wait()
            finally:
                process.terminate()
                process.wait()
    return 0


def _script(name: str | None) -> Path | None:
    return ROOT / "bench" / name if name else None


if __name__ == "__main__":
    raise SystemExit(main())
