"""The dashboard: tenants, world, live keys counting down, SENCE attendance, journal; in Chromium too."""

from __future__ import annotations

import time
from typing import Any

import pytest

from tests.admin.helpers import admin, login_url, new_tenant
from tests.harness import ServerFactory


def test_page_shows_tenants_world_keys_journal(server: ServerFactory) -> None:
    h = server()
    new_tenant(h, "other")
    url = login_url(h)
    key = url.rsplit("=", 1)[1]
    admin(h, "POST", "/tenants/default/faults", json={"id": "slow", "delay": 0.01, "match": {"path": "/x"}})
    page = h.client.get("/__mock/dashboard")
    assert page.status_code == 200 and page.headers["cache-control"] == "no-store"
    html = page.text
    assert "<title>mockserver dashboard: default</title>" in html
    assert 'data-tenant="default"' in html and 'data-tenant="other"' in html
    assert f'title="{key}">{key[:4]}…{key[-4:]}</td>' in html
    assert 'class="countdown mono" data-validuntil="' in html
    assert '<tr class="journal-entry" data-seq="1">' in html
    assert "auth_userkey_request_login_url" in html and "Ana Pérez" in html
    assert '<td class="mono">slow</td>' in html
    assert "No attendance recorded." in html
    assert h.client.get("/__mock/").headers["location"] == "/__mock/dashboard"
    other = h.client.get("/__mock/dashboard?tenant=other&partial=1").text
    assert other.startswith('<div id="live-data"') and "<html" not in other
    assert f'href="{h.base_url}/t/other/"' in other
    unknown = h.client.get("/__mock/dashboard?tenant=nope").text
    assert 'Tenant <span id="tenant-name">default</span>' in unknown


def test_page_escapes_world_content(server: ServerFactory) -> None:
    h = server(overrides={"users": [{"username": "evil", "firstname": "<script>alert(1)</script>"}]})
    html = h.client.get("/__mock/dashboard").text
    assert "<script>alert(1)</script>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html


def test_reload_error_is_shown(server: ServerFactory) -> None:
    h = server()
    h.app.admin.runtime(h.tenant).reload_error = "scenario.yaml:3: users.0.x: Extra inputs are not permitted"
    html = h.client.get("/__mock/dashboard").text
    assert "Reload failed; the last good world is kept." in html
    assert "users.0.x: Extra inputs are not permitted" in html


@pytest.mark.browser
@pytest.mark.live
def test_dashboard_in_chromium(live: ServerFactory, chromium: Any) -> None:
    h = live()
    new_tenant(h, "demo2")
    login_url(h, username="alumno2")
    context = chromium.new_context()
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.goto(h.url("/__mock/dashboard"))
    assert page.locator("#tenant-name").inner_text() == "default"
    countdown = page.locator('#keys tr[data-user="alumno2"] .countdown')
    first = int(countdown.inner_text().split()[0])
    assert 55 <= first <= 60
    time.sleep(2.2)
    later = int(countdown.inner_text().split()[0])
    assert later < first
    # a new request shows up by itself (auto refresh)
    login_url(h, username="alumno1")
    page.wait_for_selector('#journal tr.journal-entry:has-text("alumno1")', timeout=10000)
    assert page.locator('#keys tr[data-user="alumno1"]').count() == 1
    # the clock moves: keys expire on screen
    admin(h, "POST", "/tenants/default/clock/advance", json={"minutes": 5})
    page.wait_for_selector('#keys >> text="No live keys."', timeout=10000)
    # another tenant
    page.click('a[data-tenant="demo2"]')
    page.wait_for_selector('#tenant-name:text("demo2")')
    assert page.locator("#wwwroot").inner_text() == h.url("/t/demo2")
    assert errors == []
    context.close()
