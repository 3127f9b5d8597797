"""A large generated world: load time and memory (YAML and JSON), reset and tenant creation, and the
cost of the pages and calls that must not grow with the world.

Run: ``.venv/bin/python bench/large_world.py [--users 100000 --courses 1000 --enrolments 200000]``.
Targets (issue 11): load <= 2 s and <= 250 MB RSS; reset and tenant creation <= 50 ms; the front
page, ``/my/`` and request_login_url as fast as in the demo world (ratio ~1.0). YAML is loaded twice
with an empty parse cache (mockserver/world/parsecache.py): the first load parses, the second reads
the cache.
"""

from __future__ import annotations

import argparse
import json
import os
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
FORM = "application/x-www-form-urlencoded"


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


def load_seconds(scenario: Path, cache: Path) -> tuple[float, float, float]:
    """In-process seconds of load_scenario + create_app (no interpreter start-up, no imports), the
    CPU seconds they took (steadier than wall time on a busy machine) and the process's peak RSS in
    MB, in a fresh process whose parse cache is ``cache``."""
    # VmHWM, not ru_maxrss: Linux carries ru_maxrss over exec, so it would count this bench's own memory
    code = (
        "import time;from pathlib import Path;from mockserver.app import create_app;"
        "from mockserver.config import ServerConfig;t=time.perf_counter();c=time.process_time();"
        f"create_app(ServerConfig(scenario_path=Path({str(scenario)!r})));"
        "print(time.perf_counter()-t, time.process_time()-c, "
        "[int(l.split()[1]) for l in open('/proc/self/status') if l.startswith('VmHWM')][0]/1024)"
    )
    env = {**os.environ, "MOCKSERVER_CACHE_DIR": str(cache)}
    output = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, env=env).stdout
    seconds, cpu, rss = output.split()
    return float(seconds), float(cpu), float(rss)


def timed_posts(client: httpx.Client, path: str, runs: int, body: Any = None) -> tuple[float, float]:
    """Median round trip and median server-side time (``reset_ms`` when the answer has it), in ms."""
    samples, inside = [], []
    for i in range(runs):
        began = time.perf_counter()
        payload = body(i) if callable(body) else body
        response = client.post(path, json=payload)
        response.raise_for_status()
        samples.append(time.perf_counter() - began)
        inside.append(response.json().get("reset_ms", 0.0))
    return statistics.median(samples) * 1000, statistics.median(inside)


def session_cookie(client: httpx.Client, username: str) -> str:
    """A logged-in browser session of ``username`` (auth_userkey login URL, then login.php)."""
    answer = client.post(REST, content=login_url_body(username), headers={"content-type": FORM}).json()
    client.get(answer["loginurl"])  # a redirect to the wanted page, with the session cookie
    return f"MoodleSession={client.cookies['MoodleSession']}"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--users", type=int, default=100_000)
    parser.add_argument("--courses", type=int, default=1_000)
    parser.add_argument("--enrolments", type=int, default=200_000)
    parser.add_argument("--runs", type=int, default=5, help="resets and new tenants timed")
    parser.add_argument("--duration", type=int, default=3)
    parser.add_argument("--load-only", action="store_true", help="only the load times and memory, no server")
    args = parser.parse_args()
    world = generate(args.users, args.courses, args.enrolments)
    with tempfile.TemporaryDirectory() as tmp:
        paths = {"json": Path(tmp) / "large.json", "yaml": Path(tmp) / "large.yaml"}
        paths["json"].write_text(json.dumps(world), encoding="utf-8")
        paths["yaml"].write_text(yaml.dump(world, Dumper=getattr(yaml, "CSafeDumper", yaml.SafeDumper)), "utf-8")
        print(
            f"large world: {args.users} users, {args.courses} courses, {len(world['enrolments'])} enrolments "
            "(targets: load <= 2 s, RSS <= 250 MB, reset and new tenant <= 50 ms, ratios ~1.0)"
        )
        cache = Path(tmp) / "cache"
        for name, path in (("json", paths["json"]), ("yaml, first", paths["yaml"]), ("yaml, cached", paths["yaml"])):
            seconds, cpu, rss = load_seconds(path, cache)
            print(f"  {name:<13} load + build {seconds:6.2f} s (CPU {cpu:5.2f} s)   peak RSS {rss:5.0f} MB")
        if args.load_only:
            return 0
        process, url, ready = serve(paths["json"])
        print(f"  json          serve to first 200 {ready:6.2f} s   peak RSS {peak_rss_mb(process.pid):5.0f} MB")
        try:
            with httpx.Client(base_url=url, timeout=120) as client:
                reset, reset_inside = timed_posts(client, "/__mock/tenants/default/reset", args.runs)
                create, _ = timed_posts(client, "/__mock/tenants", args.runs, lambda i: {"name": f"bench{i}"})
                big_cookie = session_cookie(client, "u1")
            print(
                f"  reset {reset:.1f} ms ({reset_inside:.2f} ms in the server), new tenant {create:.1f} ms"
                f" (HTTP round trips, medians of {args.runs})"
            )
            small, small_url, _ = serve(ROOT / "scenarios" / "demo.yaml")
            try:
                with httpx.Client(base_url=small_url, timeout=120) as client:
                    demo_cookie = session_cookie(client, "alumno1")
                workloads: list[tuple[str, str, str | None, dict[str, str], dict[str, str], str, str]] = [
                    ("front page", "/", None, {}, {}, "", ""),
                    ("/my/", "/my/", None, {}, {}, big_cookie, demo_cookie),
                    (
                        "request_login_url",
                        REST,
                        "wrk_post.lua",
                        {"BENCH_BODY": login_url_body("u1")},
                        {"BENCH_BODY": login_url_body("alumno1")},
                        "",
                        "",
                    ),
                ]
                for name, path_, script, env, demo_env, cookie, demo_cookie_ in workloads:
                    big = wrk(
                        url + path_,
                        duration=args.duration,
                        connections=16,
                        script=_script(script),
                        env=env,
                        headers=[f"Cookie: {cookie}"] if cookie else [],
                    )
                    demo = wrk(
                        small_url + path_,
                        duration=args.duration,
                        connections=16,
                        script=_script(script),
                        env=demo_env,
                        headers=[f"Cookie: {demo_cookie_}"] if demo_cookie_ else [],
                    )
                    print(
                        f"  {name:<18} large {big['rps']:7.0f} req/s   demo {demo['rps']:7.0f} req/s   "
                        f"ratio {big['rps'] / demo['rps']:.2f}   (non-2xx/3xx: {big['non2xx']} / {demo['non2xx']})"
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
