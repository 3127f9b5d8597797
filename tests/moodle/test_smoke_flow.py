"""The headline flow on both transports: request a login URL, follow it, land in the course."""

from __future__ import annotations

from tests.harness import Harness, ServerFactory


def test_login_url_then_course(server: ServerFactory) -> None:
    h: Harness = server()
    loginurl = h.login_url("alumno1")
    assert loginurl.startswith(h.base_url + "/auth/userkey/login.php?key=")
    response = h.client.get(loginurl + "&wantsurl=" + h.url("/course/view.php?id=2"))
    assert response.status_code == 303
    assert response.headers["location"] == h.url("/course/view.php?id=2")
    page = h.client.get("/course/view.php?id=2")
    assert page.status_code == 200
    assert '<span class="usertext" id="usertext">Ana Pérez</span>' in page.text
    again = h.client.get(loginurl)
    assert again.status_code == 404
    assert '<p class="errormessage">Incorrect key</p>' in again.text
