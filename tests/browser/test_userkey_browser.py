"""auth_userkey in a real browser (Debian Chromium via Playwright) against a live server."""

from __future__ import annotations

from typing import Any

import httpx

from tests.harness import DEMO_TOKEN, REST, ServerFactory


def test_external_system_logs_student_into_course(live: ServerFactory, chromium: Any) -> None:
    h = live()
    # The integrator's backend asks for a one-time login URL...
    response = httpx.post(
        h.url(REST),
        data={
            "wstoken": DEMO_TOKEN,
            "wsfunction": "auth_userkey_request_login_url",
            "moodlewsrestformat": "json",
            "user[username]": "alumno1",
        },
    )
    loginurl = response.json()["loginurl"]
    course_url = h.url("/course/view.php?id=2")
    # ...and redirects the student's browser there with a deep link.
    context = chromium.new_context()
    page = context.new_page()
    page.goto(f"{loginurl}&wantsurl={course_url}")
    assert page.url == course_url
    assert page.locator("#usertext").inner_text() == "Ana Pérez"
    assert "Curso SENCE de demostración" in page.content()
    # The key is one-time: the same URL now shows Moodle's error page.
    second = context.new_page()
    reply = second.goto(f"{loginurl}&wantsurl={course_url}")
    assert reply is not None and reply.status == 404
    assert second.locator("p.errormessage").inner_text() == "Incorrect key"
    context.close()
