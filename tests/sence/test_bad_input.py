"""Bad input never gives a 500: a SENCE error as the manual implies it, or a clear 400/413."""

from __future__ import annotations

from urllib.parse import urlencode

from tests.harness import ServerFactory
from tests.sence.helpers import FORM, RETOMA, SUCCESS, callback, demo_post, form, forms, start

START = "/rce/Registro/IniciarSesion"


def _body(**changes: str | None) -> str:
    return urlencode(demo_post(**changes))


def test_json_is_not_a_form(server: ServerFactory) -> None:
    h = server(SUCCESS)
    response = h.client.post(START, json=demo_post())
    assert response.status_code == 400
    assert response.headers["content-type"].startswith("text/plain")
    assert "application/x-www-form-urlencoded" in response.text
    assert "application/json" in response.text


def test_no_content_type(server: ServerFactory) -> None:
    h = server(SUCCESS)
    response = h.client.post(START, content=_body().encode())
    assert response.status_code == 400
    assert "Content-Type: ninguno" in response.text
    text = h.client.post(START, content=_body(), headers={"content-type": "text/plain"})
    assert text.status_code == 400


def test_oversized_body(server: ServerFactory) -> None:
    h = server(SUCCESS)
    body = _body(IdSesionAlumno="x" * 70_000)
    response = h.client.post(START, content=body, headers=FORM)
    assert response.status_code == 413
    assert "65536" in response.text


def test_oversized_body_without_content_length(live: ServerFactory) -> None:
    h = live(SUCCESS)

    def chunks():  # type: ignore[no-untyped-def]
        yield _body().encode()
        for _ in range(40):
            yield b"&x=" + b"y" * 4096

    response = h.client.post(START, content=chunks(), headers=FORM)
    assert response.status_code == 413


def test_large_field_under_the_limit_gets_the_manual_error(server: ServerFactory) -> None:
    h = server(SUCCESS)
    response = h.client.post(START, content=_body(CodigoCurso="7" * 60_000), headers=FORM)
    assert callback(response.text).values["GlosaError"] == "205"
    response = h.client.post(START, content=_body(IdSesionAlumno="s" * 150), headers=FORM)
    assert callback(response.text).values["GlosaError"] == "304"


def test_non_utf8_bytes(server: ServerFactory) -> None:
    h = server(SUCCESS)
    raw = _body(RunAlumno=None) + "&RunAlumno=%FF%FE"
    cb = callback(h.client.post(START, content=raw, headers=FORM).text)
    assert cb.values["GlosaError"] == "207"
    assert cb.values["RunAlumno"] == "\ufffd\ufffd"
    # Raw (not percent-encoded) invalid bytes in a value and in a name.
    raw_bytes = _body(IdSesionAlumno=None).encode() + b"&IdSesionAlumno=a\xffb&\xfe\xff=1"
    page = h.client.post(START, content=raw_bytes, headers=FORM)
    assert page.status_code == 200
    assert "sence-login" in page.text
    # A URL with invalid bytes is malformed; UrlError so: SENCE shows the error itself.
    bad_url = _body(UrlError=None) + "&UrlError=http://lms.example/%FF"
    shown = h.client.post(START, content=bad_url, headers=FORM)
    assert shown.status_code == 200
    assert '<b class="glosa-code">203</b>' in shown.text


def test_declared_charset_is_honoured(server: ServerFactory) -> None:
    h = server(SUCCESS)
    body = _body(IdSesionAlumno=None, UrlRetoma=None) + "&IdSesionAlumno=%E9"
    cb = callback(
        h.client.post(START, content=body, headers={"content-type": FORM["content-type"] + "; charset=ISO-8859-1"}).text
    )
    assert cb.values["IdSesionAlumno"] == "é"
    weird = h.client.post(START, content=_body(), headers={"content-type": FORM["content-type"] + "; charset=nope"})
    assert weird.status_code == 200


def test_duplicated_fields_are_joined_like_asp(server: ServerFactory) -> None:
    h = server(SUCCESS)
    body = _body() + "&RunAlumno=12345678-5"
    cb = callback(h.client.post(START, content=body, headers=FORM).text)
    assert cb.values["GlosaError"] == "207"
    assert cb.values["RunAlumno"] == "12345678-5, 12345678-5"


def test_duplicated_fields_first_wins_when_configured(server: ServerFactory) -> None:
    h = server(SUCCESS, {"sence": {"settings": {"duplicate_fields": "first"}}})
    body = _body() + "&RunAlumno=11111111-1"
    assert "sence-login" in h.client.post(START, content=body, headers=FORM).text


def test_multipart_form(server: ServerFactory) -> None:
    h = server(SUCCESS)
    page = h.client.post(START, files={k: (None, v) for k, v in demo_post().items()})
    assert page.status_code == 200
    assert form(page.text, "sence-login")


def test_broken_multipart(server: ServerFactory) -> None:
    h = server(SUCCESS)
    response = h.client.post(START, content=b"--x\r\nnonsense", headers={"content-type": "multipart/form-data"})
    assert response.status_code == 400
    assert response.headers["content-type"].startswith("text/plain")
    bad = b'--b\r\nContent-Disposition: form-data; name="RunAlumno"\r\n\r\n\xff\xfe\r\n--b--\r\n'
    response = h.client.post(START, content=bad, headers={"content-type": "multipart/form-data; boundary=b"})
    assert response.status_code == 200
    assert '<b class="glosa-code">201</b>' in response.text


def test_empty_and_garbage_bodies(server: ServerFactory) -> None:
    h = server(SUCCESS)
    empty = h.client.post(START, content=b"", headers=FORM)
    assert empty.status_code == 200
    assert '<b class="glosa-code">201</b>' in empty.text
    garbage = h.client.post(START, content=b"&&&==&%%%&=x&a[b]=c", headers=FORM)
    assert garbage.status_code == 200
    assert forms(garbage.text) == []


def test_many_fields(server: ServerFactory) -> None:
    h = server(SUCCESS)
    body = _body() + "".join(f"&extra{i}=v" for i in range(3000))
    response = h.client.post(START, content=body, headers=FORM)
    assert response.status_code == 200


def test_login_endpoint_bad_input(server: ServerFactory) -> None:
    h = server(SUCCESS)
    assert h.client.post("/rce/Registro/Ingresar", json={"tx": "x"}).status_code == 400
    assert h.client.post("/rce/Registro/Ingresar", content=b"", headers=FORM).status_code == 404
    page = start(h, demo_post())
    tx = form(page.text, "sence-login").values["tx"]
    odd = h.client.post("/rce/Registro/Ingresar", content=f"tx={tx}&run=%FF&clave=%FF", headers=FORM)
    assert odd.status_code == 200
    assert "sence-login-error" in odd.text
    done = h.client.post("/rce/Registro/Ingresar", data={"tx": tx, "run": "12345678-5", "clave": "demo"})
    assert callback(done.text).action == RETOMA


def test_html_in_values_is_escaped(server: ServerFactory) -> None:
    h = server(SUCCESS)
    evil = '"><script>alert(1)</script>'
    cb_page = start(h, demo_post(RunAlumno=evil))
    assert "<script>alert(1)</script>" not in cb_page.text
    assert callback(cb_page.text).values["RunAlumno"] == evil
