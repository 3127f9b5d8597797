"""Who may call the admin API: bearer token, else loopback only; never cross-site; health is open."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from tests.admin.helpers import M
from tests.harness import InProcessClient, ServerFactory, build_app


@pytest.fixture
def client_from() -> Iterator[Any]:
    clients: list[InProcessClient] = []

    def make(ip: str, **config: Any) -> InProcessClient:
        client = InProcessClient(build_app(**config), "http://testserver", client_ip=ip)
        clients.append(client)
        return client

    yield make
    for client in clients:
        client.close()


def test_loopback_only_without_token(client_from: Any) -> None:
    local = client_from("127.0.0.1")
    assert local.get(M + "/tenants").status_code == 200
    assert client_from("::1").get(M + "/tenants").status_code == 200
    remote = client_from("10.1.2.3")
    refused = remote.get(M + "/tenants")
    assert refused.status_code == 403
    assert refused.json()["error"].startswith("the admin API only answers loopback clients when no admin token is set")
    assert remote.post(M + "/tenants/default/reset").status_code == 403
    # the Moodle surface is for everyone
    assert remote.get("/login/index.php").status_code == 200
    # health and the API description are open
    assert remote.get(M + "/health").json() == {"status": "ok"}
    assert remote.get(M + "/ready").status_code == 200
    assert remote.get(M + "/openapi.json").status_code == 200


def test_proxied_requests_are_not_local(client_from: Any) -> None:
    local = client_from("127.0.0.1")
    for header in ("X-Forwarded-For", "Forwarded", "X-Real-IP"):
        response = local.get(M + "/tenants", headers={header: "203.0.113.9"})
        assert response.status_code == 403, header
        assert "proxied" in response.json()["error"]


def test_admin_open_lets_anyone_in(client_from: Any) -> None:
    assert client_from("10.1.2.3", admin_open=True).get(M + "/tenants").status_code == 200


def test_token_is_required_from_everyone(client_from: Any) -> None:
    local = client_from("127.0.0.1", admin_token="s3cret-token")
    missing = local.get(M + "/tenants")
    assert missing.status_code == 401
    assert missing.headers["www-authenticate"] == "Bearer"
    assert local.get(M + "/tenants", headers={"Authorization": "Bearer wrong"}).status_code == 401
    assert local.get(M + "/tenants", headers={"Authorization": "Basic s3cret-token"}).status_code == 401
    remote = client_from("10.1.2.3", admin_token="s3cret-token")
    assert remote.get(M + "/tenants", headers={"Authorization": "Bearer s3cret-token"}).status_code == 200
    assert remote.get(M + "/health").status_code == 200


def test_cross_site_writes_are_refused(server: ServerFactory) -> None:
    h = server()
    reset = M + "/tenants/default/reset"
    assert h.client.post(reset, headers={"Sec-Fetch-Site": "cross-site"}).status_code == 403
    assert h.client.post(reset, headers={"Origin": "http://evil.example"}).status_code == 403
    assert h.client.post(reset, headers={"Origin": "null"}).status_code == 403
    host = h.base_url.split("://", 1)[1]
    assert h.client.post(reset, headers={"Origin": h.base_url, "Sec-Fetch-Site": "same-origin"}).status_code == 200
    assert h.client.post(reset, headers={"Origin": f"http://{host}"}).status_code == 200
    # reading is not a write
    assert h.client.get(M + "/tenants", headers={"Sec-Fetch-Site": "cross-site"}).status_code == 200


def test_dashboard_token_becomes_a_cookie(client_from: Any) -> None:
    client = client_from("10.1.2.3", admin_token="s3cret-token")
    denied = client.get(M + "/dashboard")
    assert denied.status_code == 401 and "Admin access refused" in denied.text
    wrong = client.get(M + "/dashboard?token=nope")
    assert wrong.status_code == 401
    entry = client.get(M + "/dashboard?token=s3cret-token&tenant=default")
    assert entry.status_code == 303
    assert entry.headers["location"] == M + "/dashboard?tenant=default"
    cookie = entry.headers["set-cookie"]
    assert "mockserver_admin=s3cret-token" in cookie and "HttpOnly" in cookie and "SameSite=strict" in cookie
    assert "Path=/__mock" in cookie
    page = client.get(M + "/dashboard?tenant=default")
    assert page.status_code == 200 and 'Tenant <span id="tenant-name">default</span>' in page.text
    assert client.get(M + "/tenants").status_code == 200  # the cookie works for the API too
