"""Every GlosaError decided from the world, end to end over HTTP (in-process and live)."""

from __future__ import annotations

import pytest

from mockserver.sence.glosas import GLOSAS, glosa
from tests.harness import ServerFactory
from tests.sence.helpers import ERROR, ERRORS, callback, close_post, demo_post, forms, login, start, started_session
from tests.sence.test_validation import CASES


@pytest.mark.parametrize(("changes", "expected"), CASES)
def test_code_over_http(server: ServerFactory, changes: dict[str, str | None], expected: int) -> None:
    h = server(ERRORS)
    page = start(h, demo_post(**changes))
    assert page.status_code == 200
    if "UrlError" in changes:  # nowhere to post: SENCE shows the error itself
        assert forms(page.text) == []
        assert f'<b class="glosa-code">{expected}</b> — <span class="glosa-text">{glosa(expected)}</span>' in page.text
        return
    cb = callback(page.text)
    assert cb.action == ERROR
    assert cb.values["GlosaError"] == str(expected)


def test_every_code_of_the_current_manual_is_reachable(server: ServerFactory) -> None:
    """The world-decided codes above, the login ones, the close ones and the scripted-only ones."""
    world = {code for _, code in CASES}
    login_codes = {311, 312}
    close_codes = {301, 313}
    scripted_only = {300, 305}
    assert set(GLOSAS["1.1.6"]) == world | login_codes | close_codes | scripted_only
    h = server(ERRORS)
    page = start(h, demo_post())
    assert callback(login(h, page.text, run="18765432-7").text).values["GlosaError"] == "311"
    page = start(h, demo_post(RunAlumno="15123456-9"))
    assert callback(login(h, page.text, run="15123456-9").text).values["GlosaError"] == "312"
    id_sesion = started_session(h).values["IdSesionSence"]
    moved = start(h, close_post(id_sesion, UrlRetoma="http://elsewhere.example/"), action="CerrarSesion")
    assert callback(moved.text).values["GlosaError"] == "313"
