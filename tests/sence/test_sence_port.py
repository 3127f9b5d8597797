"""SENCE on its own port (another origin), as ``mockserver serve --sence-port`` runs it."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from typing import Any

import httpx
import pytest
import uvicorn

from mockserver.sence.app import create_sence_app
from mockserver.sence.serve import sence_public_url
from tests.harness import DEMO, ROOT, build_app
from tests.sence.helpers import FORM, RUN, callback, encoded, form

pytestmark = pytest.mark.live


class Thread:
    """A uvicorn server for ``app`` on an ephemeral port, in a background thread."""

    def __init__(self, app: Any) -> None:
        config = uvicorn.Config(app, host="127.0.0.1", port=0, log_level="error", lifespan="off")
        self.server = uvicorn.Server(config)
        self.thread = threading.Thread(target=self.server.run, daemon=True)
        self.thread.start()
        deadline = time.monotonic() + 10
        while not self.server.started:
            assert time.monotonic() < deadline, "server did not start"
            time.sleep(0.01)
        self.url = f"http://127.0.0.1:{self.server.servers[0].sockets[0].getsockname()[1]}"

    def stop(self) -> None:
        self.server.should_exit = True
        self.thread.join(timeout=5)


def post_form(client: httpx.Client, action: str, fields: list[tuple[str, str]]) -> httpx.Response:
    return client.post(action, content=encoded(fields), headers=FORM)


def walk(client: httpx.Client, moodle: str, sence: str) -> httpx.Response:
    """alumno1: login URL, gate, SENCE on the other port, callback, course."""
    loginurl = client.post(
        f"{moodle}/webservice/rest/server.php",
        data={
            "wstoken": "d1c2b3a4e5f60718293a4b5c6d7e8f90",
            "wsfunction": "auth_userkey_request_login_url",
            "moodlewsrestformat": "json",
            "user[username]": "alumno1",
        },
    ).json()["loginurl"]
    client.get(loginurl)
    gate = form(client.get(f"{moodle}/course/view.php?id=2").text, "sence-iniciar-form")
    assert gate.action == f"{sence}/rce/Registro/IniciarSesion"
    page = post_form(client, gate.action, gate.fields)
    login_form = form(page.text, "sence-login")
    typed = {**login_form.values, "run": RUN, "clave": "demo"}
    done = post_form(client, sence + login_form.action, list(typed.items()))
    cb = callback(done.text)
    assert cb.action == f"{moodle}/blocks/sence/retorno.php"
    back = post_form(client, cb.action, cb.fields)
    assert back.status_code == 303
    return client.get(back.headers["location"])


@pytest.fixture
def two_ports() -> Iterator[tuple[Any, str, str]]:
    app = build_app(DEMO)
    moodle = Thread(app)
    sence = Thread(create_sence_app(app))
    app.starlette.state.sence_url = sence.url  # what create_sence_app(app, url) does when the port is known
    yield app, moodle.url, sence.url
    sence.stop()
    moodle.stop()


def test_flow_across_origins(two_ports: tuple[Any, str, str]) -> None:
    app, moodle, sence = two_ports
    with httpx.Client() as client:
        course = walk(client, moodle, sence)
        assert 'id="sence-block"' in course.text
        register = client.get(f"{sence}/rce/registro.json").json()
        assert register["registro"][0]["result"] == "success"
        # The SENCE port serves SENCE only.
        assert client.get(f"{sence}/login/index.php").status_code == 404
    assert app.tenants.default.store.sence.entries()[0].result == "success"


def test_public_url_of_the_sence_port() -> None:
    assert sence_public_url("127.0.0.1", 8001) == "http://127.0.0.1:8001"
    assert sence_public_url("0.0.0.0", 8001) == "http://127.0.0.1:8001"
    assert sence_public_url("0.0.0.0", 8001, "https://moodle.test:8443/") == "https://moodle.test:8001"
    assert sence_public_url("::1", 8001) == "http://[::1]:8001"


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def test_cli_serve_with_sence_port() -> None:
    port, sence_port = _free_port(), _free_port()
    command = [
        sys.executable,
        "-m",
        "mockserver",
        "serve",
        "--scenario",
        str(DEMO),
        "--port",
        str(port),
        "--sence-port",
        str(sence_port),
    ]
    process = subprocess.Popen(command, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, env=os.environ)
    moodle, sence = f"http://127.0.0.1:{port}", f"http://127.0.0.1:{sence_port}"
    try:
        deadline = time.monotonic() + 20
        while True:
            try:
                if httpx.get(f"{sence}/rce/registro.json").status_code == 200:
                    break
            except httpx.TransportError:
                pass
            assert time.monotonic() < deadline, "mockserver serve --sence-port did not start"
            time.sleep(0.1)
        with httpx.Client() as client:
            assert 'id="sence-block"' in walk(client, moodle, sence).text
    finally:
        process.terminate()
        output, _ = process.communicate(timeout=10)
    assert f"SENCE (RCE) on its own origin: {sence}/rce/Registro/IniciarSesion" in output.decode()
    assert " 127.0.0.1 GET /rce/registro.json 200 " in output.decode()  # the SENCE port's access log
    assert process.returncode in (0, -15)
