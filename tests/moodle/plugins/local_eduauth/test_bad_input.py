"""Malformed tokens, app ids, base64 URLs and data never give a 500, and leave no half-written row."""

from __future__ import annotations

import pytest

from tests.moodle import util as u
from tests.moodle.conftest import RestFactory
from tests.moodle.plugins.local_eduauth.util import ALUMNO1, APPID, INSTALLED, LOGIN_PHP, TOKEN, app_login, table

PATHS = (
    "/local/eduauth/login.php",
    "/local/eduauth/connect.php",
    "/local/eduauth/launch.php",
    "/local/eduauth/logout.php",
)
QUERIES = (
    "token=%ff%fe&appid=a.b.%ff&act=getuser",
    "token=%00&appid=%00.%00.%00&act=login",
    "token[]=1&appid[a][b]=2&act[]=getuser",
    "token=a&token=b&appid=x.y.z&appid=a.b.c&act=getuser&act=login",
    "token=" + "9" * 400 + "&appid=1.2.3&act=getuser",
    "token=1e999&appid=1.2.3&act=getuser",
    "userid=99999999999999999999999&token=x&appid=a.b.c&url=%%%&data=%7B",
    "userid=-1&token=<script>&appid=a.b.c&url=" + "A" * 5000,
    "userid=3&token=x&appid=a.b.c&callforward=%ff_%ff&data=%ff",
    "userid=abc&callforward=_&data=[[[[[[",
    "url=%F0%9F%98%80%ff&data=%22%5Cud800%22",
)


@pytest.mark.parametrize("path", PATHS)
@pytest.mark.parametrize("query", QUERIES)
def test_malformed_queries_never_500(rest: RestFactory, path: str, query: str) -> None:
    h = rest(**INSTALLED)
    response = h.client.get(f"{path}?{query}")
    assert response.status_code in (200, 302, 303, 404), response.text
    posted = h.client.post(path, content=query.encode(), headers={"content-type": "application/x-www-form-urlencoded"})
    assert posted.status_code in (200, 302, 303, 404), posted.text


def test_getuser_of_an_overflowing_numeric_token_prints_nothing(rest: RestFactory) -> None:
    # JSON_NUMERIC_CHECK turns "1e999" into INF; json_encode() fails and echo false prints nothing.
    h = rest(**INSTALLED)
    table(h).insert(ALUMNO1, "1e999", APPID, u.NOW, 100)
    response = h.client.get(LOGIN_PHP, params={"token": "1e999", "appid": APPID, "act": "getuser"})
    assert (response.status_code, response.text) == (200, "")
    assert table(h).rows()[0].redeemed == 1  # the row was redeemed before the encoding failed


@pytest.mark.parametrize(("token", "appid"), [("t" * 41, APPID), (TOKEN, "a.b." + "c" * 37)])
def test_too_long_for_the_table_is_a_database_error_and_no_row(rest: RestFactory, token: str, appid: str) -> None:
    h = rest(**INSTALLED)
    h.client.get(LOGIN_PHP, params={"token": token, "appid": appid})
    h.client.get("/login/index.php")
    form = h.client.post("/login/index.php", data={"username": "alumno1", "password": "Alumno1234!"})
    response = h.client.get(form.headers["location"])
    assert response.status_code == 404
    assert '<p class="errormessage">Error al escribir a la base de datos</p>' in response.text or (
        '<p class="errormessage">Error writing to database</p>' in response.text
    )
    assert table(h).rows() == []


def test_forty_characters_fit(rest: RestFactory) -> None:
    h = rest(**INSTALLED)
    assert "Successful login." in app_login(h, token="t" * 40, appid="a.b." + "c" * 36).text
    assert len(table(h).rows()) == 1
