"""Issue 9's reproductions, one test each: every one of them failed before its fix."""

from __future__ import annotations

import time

import pytest

from mockserver.admin.matching import glob_match
from mockserver.world.clock import EARLIEST, LATEST
from tests.admin.helpers import admin, journal
from tests.harness import DEMO_TOKEN, REST, ServerFactory


def test_non_utf8_username_on_the_login_page_is_not_a_500(server: ServerFactory) -> None:
    h = server()
    response = h.client.get("/login/index.php?username=%FF")
    assert response.status_code == 200
    assert "Traceback" not in response.text


def test_a_non_utf8_value_leaves_the_journal_dashboard_and_verify_working(server: ServerFactory) -> None:
    h = server()
    h.client.post(REST, content=b"wstoken=x&wsfunction=%FF&moodlewsrestformat=json",
                  headers={"content-type": "application/x-www-form-urlencoded"})  # fmt: skip
    h.client.get("/login/index.php?username=%FF%FE")
    entries = journal(h)
    assert entries[0]["wsfunction"] == "\ufffd"
    assert entries[1]["query"] == {"username": "\ufffd\ufffd"}
    assert admin(h, "GET", "/dashboard").status_code == 200
    verified = admin(h, "POST", "/tenants/default/verify", json={"wsfunction": "\ufffd", "count": 1})
    assert verified.status_code == 200, verified.text


@pytest.mark.parametrize(
    ("path", "body"),
    [
        ("/clock", {"time": 253402300800}),
        ("/clock", {"time": 1e17}),
        ("/clock", {"time": -1e12}),
        ("/clock", {"time": "1e400"}),
        ("/clock", {"time": "nan"}),
        ("/clock/advance", {"days": 1e300}),
        ("/clock/advance", {"seconds": -1e10}),
    ],
)
def test_out_of_range_clock_is_refused_and_changes_nothing(server: ServerFactory, path: str, body: dict) -> None:
    h = server()
    before = admin(h, "GET", "/tenants/default/clock").json()
    response = admin(h, "PUT" if path == "/clock" else "POST", "/tenants/default" + path, json=body)
    assert response.status_code == 422, response.text
    assert "between" in response.json()["error"]
    after = admin(h, "GET", "/tenants/default/clock").json()
    assert abs(after["time"] - before["time"]) < 60
    assert admin(h, "GET", "/tenants").status_code == 200
    assert admin(h, "GET", "/tenants/default/world").status_code == 200


def test_clock_at_the_edges_of_the_range_keeps_everything_working(server: ServerFactory) -> None:
    h = server()
    for when in (EARLIEST, LATEST):
        assert admin(h, "PUT", "/tenants/default/clock", json={"time": when, "frozen": True}).status_code == 200
        assert admin(h, "GET", "/tenants").status_code == 200
        assert admin(h, "GET", "/tenants/default/world").status_code == 200
        assert admin(h, "GET", "/dashboard").status_code == 200
        assert h.rest("core_webservice_get_site_info").status_code == 200


def test_scenario_path_with_a_nul_byte_is_a_422(server: ServerFactory) -> None:
    h = server()
    response = admin(h, "PUT", "/tenants/default/scenario?path=%00")
    assert response.status_code == 422, response.text


def test_a_glob_with_many_stars_does_not_backtrack() -> None:
    value = "p" * 20000 + "x"
    started = time.perf_counter()
    assert not glob_match("*p*p*p*p*p*q", value)
    assert glob_match("*p*p*x", value)
    assert glob_match("a*b*c", "aXbYc") and not glob_match("a*b*c", "aXbYcd")
    assert time.perf_counter() - started < 5  # quadratic backtracking took minutes here


def test_wstoken_array_and_wstoken_inside_wantsurl_are_masked(server: ServerFactory) -> None:
    h = server()
    h.client.get(f"/webservice/rest/server.php?wstoken[]={DEMO_TOKEN}")
    h.client.get(f"/auth/userkey/login.php?wantsurl=http%3A%2F%2Fx%2F%3Fwstoken%3D{DEMO_TOKEN}%26a%3D1")
    text = admin(h, "GET", "/tenants/default/journal").text
    assert DEMO_TOKEN not in text


def test_admin_api_refuses_a_dns_rebound_host(server: ServerFactory) -> None:
    h = server()
    port = h.base_url.rsplit(":", 1)[-1] if h.transport == "live" else "80"
    rebound = {"host": f"evil.example:{port}", "origin": f"http://evil.example:{port}", "sec-fetch-site": "same-origin"}
    response = admin(h, "POST", "/tenants", json={"name": "rebound"}, headers=rebound)
    assert response.status_code == 403, response.text
    assert "DNS rebinding" in response.json()["error"]
    assert admin(h, "GET", "/tenants", headers={"host": "evil.example"}).status_code == 403
    assert h.app.tenants.get("rebound") is None
    for ok_host in (f"127.0.0.1:{port}", f"localhost:{port}", f"[::1]:{port}"):
        assert admin(h, "GET", "/tenants", headers={"host": ok_host}).status_code == 200


def test_admin_api_answers_the_public_url_and_wwwroot_hosts(server: ServerFactory) -> None:
    h = server(
        overrides={"moodle": {"wwwroot": "http://moodle.test:8080"}},
        public_url="http://mock.example:9000",
        allowed_hosts=(),
    )
    for name in ("mock.example:9000", "moodle.test:8080", "MOODLE.test"):
        assert admin(h, "GET", "/tenants", headers={"host": name}).status_code == 200
    assert admin(h, "GET", "/tenants", headers={"host": "other.test"}).status_code == 403


def test_x_forwarded_for_does_not_change_the_client_address(live: ServerFactory) -> None:
    """uvicorn trusted X-Forwarded-For from 127.0.0.1: an IP-restricted key worked from anywhere."""
    h = live(overrides={"plugins": {"auth_userkey": {"iprestriction": True}}})
    response = h.rest("auth_userkey_request_login_url", **{"user[username]": "alumno1", "user[ip]": "10.9.9.9"})
    url = response.json()["loginurl"]
    path = url.split("/", 3)[3]
    spoofed = h.client.get("/" + path, headers={"x-forwarded-for": "10.9.9.9"}, follow_redirects=False)
    assert spoofed.status_code == 404
    assert "Client IP address mismatch" in spoofed.text
    assert spoofed.headers.get("location") is None


def test_urls_come_from_the_server_address_not_the_host_header(server: ServerFactory) -> None:
    h = server()
    response = h.client.post(
        REST,
        data={"wstoken": DEMO_TOKEN, "wsfunction": "auth_userkey_request_login_url", "moodlewsrestformat": "json",
              "user[username]": "alumno1"},
        headers={"host": "evil.example"},
    )  # fmt: skip
    assert response.json()["loginurl"].startswith(h.base_url + "/auth/userkey/login.php?key=")


def test_site_is_served_under_its_wwwroot_path_and_slashes_merge(server: ServerFactory) -> None:
    h = server(overrides={"moodle": {"wwwroot": "http://127.0.0.1:1/moodle"}})
    response = h.client.post(
        "/moodle/webservice/rest/server.php",
        data={"wstoken": DEMO_TOKEN, "wsfunction": "auth_userkey_request_login_url", "moodlewsrestformat": "json",
              "user[username]": "alumno1"},
    )  # fmt: skip
    assert response.status_code == 200
    assert response.json()["loginurl"].startswith("http://127.0.0.1:1/moodle/auth/userkey/login.php?key=")
    page = h.client.get("/moodle/login/index.php")
    assert page.status_code == 200 and 'action="http://127.0.0.1:1/moodle/login/index.php"' in page.text
    merged = h.client.post(h.base_url + "//moodle//webservice/rest/server.php", data={"wstoken": DEMO_TOKEN})
    assert merged.status_code == 200 and "<ERRORCODE>invalidparameter</ERRORCODE>" in merged.text
    entries = journal(h)
    assert [e["path"] for e in entries[-2:]] == ["/login/index.php", "/webservice/rest/server.php"]
