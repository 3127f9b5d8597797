"""Shared helpers of the admin tests: admin calls and Moodle requests through a Harness."""

from __future__ import annotations

from typing import Any

import httpx

from tests.harness import DEMO_TOKEN, REST, Harness

M = "/__mock"
LOGIN_URL = "auth_userkey_request_login_url"


def admin(h: Harness, method: str, path: str, **kwargs: Any) -> httpx.Response:
    return h.client.request(method, M + path, **kwargs)


def new_tenant(h: Harness, name: str, **body: Any) -> dict[str, Any]:
    response = admin(h, "POST", "/tenants", json={"name": name, **body})
    assert response.status_code == 201, response.text
    data: dict[str, Any] = response.json()
    return data


def rest(h: Harness, prefix: str = "", function: str = LOGIN_URL, **params: Any) -> httpx.Response:
    data = {"wstoken": DEMO_TOKEN, "wsfunction": function, "moodlewsrestformat": "json", **params}
    return h.client.post(prefix + REST, data=data)


def login_url(h: Harness, prefix: str = "", username: str = "alumno1") -> str:
    response = rest(h, prefix, **{"user[username]": username})
    assert response.status_code == 200, response.text
    url: str = response.json()["loginurl"]
    return url


def journal(h: Harness, tenant: str = "default", **params: Any) -> list[dict[str, Any]]:
    response = admin(h, "GET", f"/tenants/{tenant}/journal", params=params)
    assert response.status_code == 200, response.text
    entries: list[dict[str, Any]] = response.json()["entries"]
    return entries
