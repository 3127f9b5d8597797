"""``mockserver serve --workers 2 --store ...``: real processes on one Redis serve one site.

The 1000-concurrent-uses race: one login key, a thousand simultaneous ``login.php`` requests
spread over two worker processes, exactly one login.
"""

from __future__ import annotations

import asyncio
import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from http.cookiejar import CookieJar, DefaultCookiePolicy
from pathlib import Path

import httpx
import pytest

from tests.harness import DEMO, DEMO_TOKEN, REST

pytestmark = pytest.mark.live
READY_TIMEOUT_S = 60.0
USES = 1000


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


class Served:
    def __init__(self, redis_url: str, workers: int) -> None:
        self.port = free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        args = ["serve", "--scenario", str(DEMO), "--port", str(self.port), "--store", redis_url]
        args += ["--workers", str(workers)]
        self.process = subprocess.Popen(
            [sys.executable, "-m", "mockserver", *args], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE
        )
        deadline = time.monotonic() + READY_TIMEOUT_S
        while True:
            assert self.process.poll() is None, self.process.stderr.read() if self.process.stderr else ""
            try:
                if httpx.get(self.base + "/login/index.php", timeout=2).status_code == 200:
                    break
            except httpx.TransportError:
                pass
            assert time.monotonic() < deadline, "server not ready"
            time.sleep(0.1)

    def workers(self) -> list[int]:
        found = subprocess.run(["pgrep", "-P", str(self.process.pid)], capture_output=True, text=True).stdout
        return [int(pid) for pid in found.split()]

    def login_key(self, username: str = "alumno1") -> str:
        data = {"wstoken": DEMO_TOKEN, "wsfunction": "auth_userkey_request_login_url", "moodlewsrestformat": "json"}
        response = httpx.post(self.base + REST, data={**data, "user[username]": username})
        url: str = response.json()["loginurl"]
        return url.rsplit("=", 1)[1]

    def stop(self) -> int:
        self.process.send_signal(signal.SIGTERM)
        code = self.process.wait(30)
        if self.process.stderr:
            self.process.stderr.close()
        return code


@pytest.fixture
def two_workers(redis_url: str) -> Iterator[Served]:
    served = Served(redis_url, 2)
    yield served
    assert served.stop() == 0


async def _use_all(base: str, key: str) -> list[int]:
    limits = httpx.Limits(max_connections=USES, max_keepalive_connections=0)
    no_cookies = CookieJar(DefaultCookiePolicy(allowed_domains=[]))  # a thousand browsers, none logged in
    async with httpx.AsyncClient(base_url=base, limits=limits, timeout=120, cookies=no_cookies) as client:
        responses = await asyncio.gather(*(client.get(f"/auth/userkey/login.php?key={key}") for _ in range(USES)))
    return [r.status_code for r in responses]


def test_a_thousand_concurrent_uses_of_one_key_on_two_workers_log_in_once(two_workers: Served) -> None:
    assert len(two_workers.workers()) == 2
    key = two_workers.login_key()
    # its own thread and loop: a test before may have left an event loop running in this thread
    with ThreadPoolExecutor(1) as pool:
        statuses = pool.submit(lambda: asyncio.run(_use_all(two_workers.base, key))).result()
    assert statuses.count(303) == 1
    assert statuses.count(404) == USES - 1  # "Incorrect key" for everyone else


def test_keys_minted_by_either_worker_work_on_both(two_workers: Served) -> None:
    # each new connection may land on either worker: every key is good exactly once
    keys = [two_workers.login_key(f"alumno{1 + i % 2}") for i in range(20)]
    live = keys[-2:]  # one live key per user: the newest of each
    with httpx.Client(base_url=two_workers.base) as client:
        statuses = [client.get(f"/auth/userkey/login.php?key={k}", headers={"connection": "close"}) for k in live]
    assert [r.status_code for r in statuses] == [303, 303]


def test_two_servers_on_one_redis_are_one_site(redis_url: str) -> None:
    first, second = Served(redis_url, 1), Served(redis_url, 1)
    try:
        key = first.login_key()
        assert httpx.get(f"{second.base}/auth/userkey/login.php?key={key}").status_code == 303
        created = httpx.post(f"{first.base}/__mock/tenants", json={"name": "acme"})
        assert created.status_code == 201
        assert httpx.get(f"{second.base}/t/acme/login/index.php").status_code == 200
    finally:
        assert first.stop() == 0
        assert second.stop() == 0


def test_workers_need_a_shared_store(tmp_path: Path) -> None:
    env = {**os.environ, "MOCKSERVER_STORE": ""}
    done = subprocess.run(
        [sys.executable, "-m", "mockserver", "serve", "--workers", "2", "--port", str(free_port())],
        capture_output=True,
        text=True,
        env=env,
        cwd=tmp_path,
        timeout=60,
    )
    assert done.returncode == 2
    assert done.stderr == "--workers N needs --store redis://... or unix://... (one world shared by the workers)\n"
