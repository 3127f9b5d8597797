"""The issue's Done-when, end to end: `mockserver serve --scenario scenarios/drupal-sso.yaml --drupal-port P`.

Log in on the fake Drupal, open Moodle's login page with that cookie, be Ana Pérez (idnumber 1001);
rename her in Drupal and see Moodle follow on the next login; stop Drupal and see Moodle's answer.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from typing import Any

import httpx

from tests.drupal.helpers import ANA, SCENARIO, World
from tests.harness import ROOT


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def _users(moodle: str) -> list[dict[str, Any]]:
    world = httpx.get(f"{moodle}/__mock/tenants/default/world").json()
    users: list[dict[str, Any]] = world["users"]
    return users


def _rename(client: httpx.Client, drupal: str, **changes: str) -> None:
    form = client.get(f"{drupal}/user/1001/edit")
    token = form.text.split('name="form_token" value="', 1)[1].split('"', 1)[0]
    saved = client.post(f"{drupal}/user/1001/edit", data={"form_token": token, **changes})
    assert "The changes have been saved." in saved.text


def test_cli_flow() -> None:
    port, drupal_port = _free_port(), _free_port()
    command = [sys.executable, "-m", "mockserver", "serve", "--scenario", str(SCENARIO), "--port", str(port)]
    command += ["--drupal-port", str(drupal_port)]
    process = subprocess.Popen(command, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, env=os.environ)
    moodle, drupal = f"http://127.0.0.1:{port}", f"http://127.0.0.1:{drupal_port}"
    try:
        deadline = time.monotonic() + 20
        while True:
            try:
                if httpx.get(f"{drupal}/user/login").status_code == 200 and httpx.get(f"{moodle}/").status_code == 200:
                    break
            except httpx.TransportError:
                pass
            assert time.monotonic() < deadline, "mockserver serve --drupal-port did not start"
            time.sleep(0.1)
        # One client = one browser: cookies go by host, whatever the port (both sites are 127.0.0.1).
        with httpx.Client(follow_redirects=True) as browser:
            first = browser.get(f"{moodle}/my/")  # Moodle -> its login page -> Drupal's login form
            assert str(first.url).startswith(f"{drupal}/user/login?moodle_url=true&destination=my/")
            landed = browser.post(str(first.url), data={"name": ANA[0], "pass": ANA[1]})
            assert str(landed.url) == f"{moodle}/my/"
            assert "Ana Pérez" in landed.text
            ana = [u for u in _users(moodle) if u["idnumber"] == "1001"]
            assert len(ana) == 1 and ana[0]["username"] == "ana" and ana[0]["auth"] == "drupalservices"
            _rename(browser, drupal, field_first_name="Ana María", field_last_name="Pérez Soto")
            browser.cookies.delete("MoodleSession")  # next login (Moodle's logout would end the Drupal session too)
            again = browser.get(f"{moodle}/login/index.php")
            assert str(again.url) == f"{moodle}/"
            assert "Ana María Pérez Soto" in browser.get(f"{moodle}/my/").text
            renamed = [u for u in _users(moodle) if u["idnumber"] == "1001"]
            assert renamed[0]["id"] == ana[0]["id"] and renamed[0]["lastname"] == "Pérez Soto"
    finally:
        process.terminate()
        output, _ = process.communicate(timeout=10)
    assert f"Drupal (fake site) on its own origin: {drupal}/user/login" in output.decode()
    assert process.returncode in (0, -15)


def test_drupal_stopped() -> None:
    """Drupal gone (connection refused): the login form shows, and a logged-in session is logged out."""
    w = World("live")
    try:
        w.drupal_cookie()
        assert w.moodle.get("/login/index.php").status_code == 303
        assert w.moodle.get("/my/").status_code == 200
        w.drupal_server.stop()
        with httpx.Client() as probe:
            try:
                probe.get(f"{w.drupal_url}/")
                raise AssertionError("the fake Drupal still answers")
            except httpx.ConnectError:
                pass
        page = w.moodle.get("/login/index.php")
        assert page.status_code == 200 and 'name="password"' in page.text
        assert w.moodle.get("/my/").status_code == 303  # require_logout() ran
        assert page.headers["set-cookie"].startswith("MoodleSession=")
    finally:
        w.close()
