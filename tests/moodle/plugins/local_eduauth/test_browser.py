"""local_eduauth in Chromium: the app opens login.php in a popup, the user logs in, the popup closes
itself, and the app (polling) learns who logged in and calls connect.php."""

from __future__ import annotations

from typing import Any

from tests.harness import ServerFactory
from tests.moodle.plugins.local_eduauth.util import APPID, CONNECT_PHP, LOGIN_PHP, TOKEN


def test_app_login_in_a_popup(live: ServerFactory, chromium: Any) -> None:
    h = live()
    context = chromium.new_context()
    app = context.new_page()
    app.goto(h.url("/"))  # the app's own page; login.php and connect.php answer any origin
    login_url = h.url(f"{LOGIN_PHP}?token={TOKEN}&appid={APPID}")
    with app.expect_popup() as opened:
        app.evaluate("url => { window.open(url, 'eduauth'); }", login_url)
    popup = opened.value
    popup.wait_for_load_state()
    assert popup.url == h.url("/login/index.php")
    poll = f"{LOGIN_PHP}?token={TOKEN}&appid={APPID}&act=getuser"
    fetch = "url => fetch(url, {credentials: 'omit'}).then(r => r.text())"
    assert app.evaluate(fetch, h.url(poll)) == '{"error":"no_data_for_token"}'
    popup.fill("#username", "alumno1")
    popup.fill("#password", "Alumno1234!")
    with popup.expect_event("close"):
        popup.click("#loginbtn")  # back to login.php: "Successful login.", then window.top.close()
    answer = app.evaluate("url => fetch(url).then(r => r.json())", h.url(poll))
    assert answer == {
        "appid": APPID,
        "token": TOKEN,
        "sitename": "Moodle de demostración",
        "userid": 3,
        "wwwroot": h.base_url,
    }
    assert app.evaluate(fetch, h.url(poll)) == '{"error":"no_data_for_token"}'
    connect = (
        "([url, body]) => fetch(url, {method: 'POST', credentials: 'omit', body: new URLSearchParams(body)})"
        ".then(r => r.json())"
    )
    body = {"userid": "3", "token": TOKEN, "appid": APPID, "data": '{"act":"myData"}'}
    reply = app.evaluate(connect, [h.url(CONNECT_PHP), body])
    assert reply["user"]["username"] == "alumno1"
    assert reply["user"]["lastname"] == "Pérez"
    # The browser's Moodle session was logged out after the login page.
    app.goto(h.url("/my/"))
    assert app.url == h.url("/login/index.php")
    context.close()
