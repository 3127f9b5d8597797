"""A malformed multipart body is answered, quietly: Moodle as PHP does (an empty ``$_POST``), SENCE
with a 400 saying the body could not be read, and no log line from the parser (python-multipart
warns before it raises; under a fuzz that was one line per request)."""

from __future__ import annotations

import logging

import pytest

from tests.harness import ServerFactory

BROKEN = b'--xyzX\r\nContent-Disposition: form-data; name="wstoken"\r\n\r\nabc\r\n--xyz--\r\n'
HEADERS = {"content-type": "multipart/form-data; boundary=xyz"}


def test_malformed_multipart_is_answered_without_log_lines(
    inprocess: ServerFactory, caplog: pytest.LogCaptureFixture
) -> None:
    h = inprocess()
    caplog.set_level(logging.DEBUG)
    rest = h.client.post("/webservice/rest/server.php", content=BROKEN, headers=HEADERS)
    assert rest.status_code == 200
    assert "<ERRORCODE>invalidtoken</ERRORCODE>" in rest.text  # $_POST is empty: no wstoken, XML by default
    login = h.client.post("/login/index.php", content=BROKEN, headers=HEADERS)
    assert login.status_code == 200 and 'id="login"' in login.text
    sence = h.client.post("/rce/Registro/IniciarSesion", content=BROKEN, headers=HEADERS)
    assert sence.status_code == 400
    assert sence.text.startswith("El cuerpo multipart/form-data no se pudo leer")
    noise = [r for r in caplog.records if r.levelno >= logging.WARNING]
    assert noise == []
