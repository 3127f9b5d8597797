"""``/local/eduauth/login.php`` (eduauth-and-drupal.md §1.1)."""

from __future__ import annotations

import pytest

from tests.moodle import util as u
from tests.moodle.conftest import RestFactory
from tests.moodle.plugins.local_eduauth.util import (
    ALUMNO1,
    APPID,
    INSTALLED,
    LOGIN_PHP,
    TOKEN,
    app_login,
    assert_json,
    getuser,
    table,
)


def test_getuser_before_any_login_is_no_data_for_token(rest: RestFactory) -> None:
    h = rest(**INSTALLED)
    response = getuser(h)
    assert_json(response, '{"error":"no_data_for_token"}')
    assert response.headers["set-cookie"].startswith("MoodleSession=")  # sesskey() starts a session


def test_login_then_getuser_answers_once(rest: RestFactory) -> None:
    h = rest(**INSTALLED)
    page = app_login(h)
    assert page.status_code == 200
    assert "Successful login." in page.text
    assert "window.top.close(); /* If we are in a webapp, close popup. */" in page.text
    assert '<a href="javascript:window.top.close();">' in page.text
    assert u.whoami(h) is None  # the Moodle session was logged out after the page
    [row] = table(h).rows()
    assert (row.userid, row.token, row.appid, row.redeemed, row.created) == (ALUMNO1, TOKEN, APPID, 0, u.NOW)
    wwwroot = h.base_url.replace("/", "\\/")
    expected = (
        f'{{"appid":"{APPID}","token":"{TOKEN}","sitename":"Moodle de demostraci\\u00f3n",'
        f'"userid":3,"wwwroot":"{wwwroot}"}}'
    )
    assert_json(getuser(h), expected)
    assert row.redeemed == 1
    assert_json(getuser(h), '{"error":"no_data_for_token"}')


def test_getuser_needs_the_same_appid(rest: RestFactory) -> None:
    h = rest(**INSTALLED)
    app_login(h)
    assert_json(getuser(h, appid="at.other.app"), '{"error":"no_data_for_token"}')
    assert_json(getuser(h, token=TOKEN + "x"), '{"error":"no_data_for_token"}')


def test_numeric_token_and_appid_are_echoed_as_numbers(rest: RestFactory) -> None:
    # JSON_NUMERIC_CHECK: an all-digit token is a number; "1.2.3" is not numeric.
    h = rest(**INSTALLED)
    table(h).insert(ALUMNO1, "0042", "1.2.3", u.NOW, 100)
    body = getuser(h, token="0042", appid="1.2.3").text
    assert body.startswith('{"appid":"1.2.3","token":42,"sitename":')


def test_user_does_not_exist(rest: RestFactory) -> None:
    h = rest(**INSTALLED)
    table(h).insert(999, TOKEN, APPID, u.NOW, 100)
    assert_json(getuser(h), '{"error":"user_does_not_exist","userid":999}')
    assert table(h).rows()[0].redeemed == 0  # not redeemed: the next poll says the same
    assert_json(getuser(h), '{"error":"user_does_not_exist","userid":999}')


@pytest.mark.parametrize("appid", ["edumessenger", "at.edumessenger", "", "a.b", "..x"[1:]])
@pytest.mark.parametrize("act", ["getuser", "login", "other"])
def test_appid_needs_two_dots(rest: RestFactory, appid: str, act: str) -> None:
    h = rest(**INSTALLED)
    response = h.client.get(LOGIN_PHP, params={"token": TOKEN, "appid": appid, "act": act})
    assert response.status_code == 200
    assert response.headers["content-type"] == "text/html; charset=utf-8"
    assert response.headers["access-control-allow-origin"] == "*"
    assert '<p class="alert alert-danger" id="local-eduauth-alert">' in response.text
    assert "Invalid App-ID given." in response.text
    assert table(h).rows() == []


@pytest.mark.parametrize("appid", ["a..", "..", "a.b.c.d", " . . "])
def test_two_dots_are_enough(rest: RestFactory, appid: str) -> None:
    h = rest(**INSTALLED)
    assert_json(getuser(h, appid=appid), '{"error":"no_data_for_token"}')


@pytest.mark.parametrize(
    ("query", "missing"),
    [("", "token"), (f"?appid={APPID}", "token"), (f"?token={TOKEN}", "appid"), ("?token[]=a&appid=a.b.c", "token")],
)
def test_missing_parameters(rest: RestFactory, query: str, missing: str) -> None:
    h = rest(**INSTALLED)
    response = h.client.get(LOGIN_PHP + query)
    u.assert_error_page(response, f"A required parameter ({missing}) was missing", link=f"{h.base_url}/")
    assert response.headers["access-control-allow-origin"] == "*"


def test_unknown_act_prints_nothing(rest: RestFactory) -> None:
    h = rest(**INSTALLED)
    assert_json(h.client.get(LOGIN_PHP, params={"token": TOKEN, "appid": APPID, "act": "removetokens"}), "")


def test_not_installed_is_a_missing_file(rest: RestFactory) -> None:
    h = rest()
    response = getuser(h)
    assert response.status_code == 404
    assert response.text == "Not Found"
