"""``/local/eduauth/connect.php`` (eduauth-and-drupal.md §1.2)."""

from __future__ import annotations

import json
from typing import Any

import httpx
import pytest

from tests.harness import Harness
from tests.moodle import util as u
from tests.moodle.conftest import RestFactory
from tests.moodle.plugins.local_eduauth.util import (
    ALUMNO1,
    APPID,
    CONNECT_PHP,
    INSTALLED,
    TOKEN,
    assert_json,
    table,
)


def installed(**more: Any) -> dict[str, Any]:
    return {**INSTALLED, **more}


def connect(
    h: Harness, data: Any = None, *, userid: Any = ALUMNO1, token: str = TOKEN, **params: Any
) -> httpx.Response:
    body: dict[str, Any] = {"userid": userid, "token": token, "appid": APPID, **params}
    if data is not None:
        body["data"] = data if isinstance(data, str) else json.dumps(data)
    return h.client.post(CONNECT_PHP, data=body)


def with_row(h: Harness, userid: int = ALUMNO1, token: str = TOKEN, appid: str = APPID) -> None:
    table(h).insert(userid, token, appid, u.NOW, 100)


def invalid_login(h: Harness, data: str = "", *, userid: int = ALUMNO1, token: str = TOKEN) -> str:
    return u.php_json(
        {"appid": APPID, "data": data, "error": "invalid_login", "status": "error", "token": token, "userid": userid}
    )


def test_my_data(rest: RestFactory) -> None:
    h = rest(**installed())
    with_row(h)
    response = connect(h, {"act": "myData"})
    pictureurl = f"{h.base_url}/pluginfile.php/6/user/icon"
    user = {
        "email": "ana.perez@example.com",
        "firstname": "Ana",
        "lastname": "Pérez",
        "pictureurl": pictureurl,
        "userid": 3,
        "username": "alumno1",
    }
    assert_json(response, u.php_json({"user": user}))
    assert response.headers["set-cookie"].startswith("MoodleSession=")  # complete_user_login()
    assert u.whoami(h) == "Ana Pérez"
    assert table(h).rows()[0].used == u.NOW


@pytest.mark.parametrize(
    ("data", "userid", "token"),
    [
        ("", ALUMNO1, TOKEN),
        ('{"act":"myData"}', ALUMNO1, TOKEN),
        ("<b>raw</b> ünïcode", ALUMNO1, TOKEN),
        ("", 0, TOKEN),
        ("", 4, TOKEN),
        ("", ALUMNO1, "other"),
    ],
)
def test_invalid_login(rest: RestFactory, data: str, userid: int, token: str) -> None:
    h = rest(**installed())
    with_row(h, appid="at.other.app")  # the user's row of another app
    response = connect(h, data, userid=userid, token=token)
    assert_json(response, invalid_login(h, data, userid=userid, token=token))
    assert u.whoami(h) is None


def test_invalid_login_echoes_numbers_and_cleans_params(rest: RestFactory) -> None:
    h = rest(**installed())
    response = h.client.get(
        CONNECT_PHP, params={"userid": "12abc", "token": "<i>007</i>", "appid": "1.5", "data": "42"}
    )
    assert_json(response, '{"appid":1.5,"data":42,"error":"invalid_login","status":"error","token":7,"userid":12}')


def test_no_parameters_at_all(rest: RestFactory) -> None:
    h = rest(**installed())
    assert_json(
        h.client.get(CONNECT_PHP),
        '{"appid":"","data":"","error":"invalid_login","status":"error","token":"","userid":0}',
    )


def test_redeemed_rows_stay_valid(rest: RestFactory) -> None:
    h = rest(**installed())
    with_row(h)
    table(h).redeem(table(h).rows()[0])
    assert connect(h, {"act": "myData"}).json()["user"]["userid"] == ALUMNO1


@pytest.mark.parametrize(
    "data",
    [
        "",
        "not json",
        "[]",
        "[1,2]",
        "5",
        '"myData"',
        "{}",
        '{"act":""}',
        '{"act":"0"}',
        '{"act":0}',
        '{"act":"mydata"}',
        '{"act":"removetokens"}',
        '{"act":"getwstoken"}',
        '{"act":["myData"]}',
        '{"act":{"a":1}}',
        '{"act":NaN}',
        "[" * 600 + "]" * 600,
    ],
)
def test_acts_without_an_answer_are_an_empty_object(rest: RestFactory, data: str) -> None:
    h = rest(**installed())
    with_row(h)
    assert_json(connect(h, data), "{}")


def test_act_true_matches_the_first_case_loosely(rest: RestFactory) -> None:
    h = rest(**installed())
    with_row(h)
    assert "user" in connect(h, {"act": True}).json()


def test_remove_me_deletes_the_users_rows_of_this_token(rest: RestFactory) -> None:
    h = rest(**installed())
    with_row(h)
    with_row(h, appid="at.second.app")  # same token, another app: goes too
    with_row(h, token="kept")
    with_row(h, userid=4)  # another user's row with the same token stays
    response = connect(h, {"act": "removeMe", "onlyappid": APPID, "onlytoken": "kept"})
    assert_json(response, '{"status":"ok"}')
    assert [(r.userid, r.token, r.appid) for r in table(h).rows()] == [(ALUMNO1, "kept", APPID), (4, TOKEN, APPID)]
    assert_json(connect(h, {"act": "myData"}), invalid_login(h, '{"act": "myData"}'))


def test_wstoken_through_the_mobile_service(rest: RestFactory) -> None:
    h = rest(**installed())
    with_row(h)
    response = connect(h, {"act": "wstoken"})
    token = response.json()["wstoken"]
    assert_json(response, u.php_json({"wstoken": token}))
    [stored] = [t for t in h.tenant.store.tokens() if t.token == token]
    service = next(s for s in h.tenant.store.services() if s.id == stored.serviceid)
    assert (stored.userid, service.shortname) == (ALUMNO1, "moodle_mobile_app")
    assert connect(h, {"act": "wstoken"}).json() == {"wstoken": token}  # reused, like token.php


def test_wstoken_without_the_mobile_service(rest: RestFactory) -> None:
    h = rest(**installed())
    for service in h.tenant.store.services():
        service.enabled = service.shortname != "moodle_mobile_app"  # disabled: get_record() finds none
    with_row(h)
    response = connect(h, {"act": "wstoken"})
    # Ana's language (es): "Can't find data record in database table external_services."
    message = "No se puede encontrar registro de datos en la tabla external_services de la base de datos."
    u.assert_error_page(response, message, link=f"{h.base_url}/")
    assert response.headers["access-control-allow-origin"] == "*"


def test_wstoken_of_a_suspended_user(rest: RestFactory) -> None:
    h = rest(**installed())
    h.tenant.store.save_user(_changed(h, ALUMNO1, suspended=True))
    with_row(h)
    assert connect(h, {"act": "myData"}).json()["user"]["userid"] == ALUMNO1  # complete_user_login() lets them in
    # core_user::require_active_user(): 'suspended' of auth.php, in Ana's language (es).
    u.assert_error_page(connect(h, {"act": "wstoken"}), "Cuenta suspendida", link=f"{h.base_url}/")


def test_unconfirmed_user_is_sent_to_the_login_page(rest: RestFactory) -> None:
    # check_token() answers true but user_login() does not log an unconfirmed user in: require_login().
    h = rest(**installed())
    h.tenant.store.save_user(_changed(h, ALUMNO1, confirmed=False))
    with_row(h)
    response = connect(h, {"act": "wstoken"})
    u.assert_redirect(response, f"{h.base_url}/login/index.php")
    assert response.headers["access-control-allow-origin"] == "*"


def test_callforward_without_a_valid_token(rest: RestFactory) -> None:
    h = rest(**installed())
    assert connect(h, "x", callforward="local_appbridge").json()["error"] == "invalid_login"


CALLFORWARD = {
    "plugins": {
        "local_eduauth": {
            "callforward": {
                "local_appbridge": {"reply": {"count": "3", "items": [1, "2"], "nested": {}, "yescandoit": True}},
                "block_something": {"reply": {"never": "reached"}},
                "mod_my_thing": {"reply": {"never": "reached"}},
            }
        }
    }
}


@pytest.mark.parametrize(
    ("callforward", "body"),
    [
        ("local_appbridge", '{"count":3,"items":[1,2],"nested":{},"yescandoit":true}'),
        ("local_appbridge_extra", '{"count":3,"items":[1,2],"nested":{},"yescandoit":true}'),  # only 2 parts count
        ("block_something", '{"error":"invalid plugin specified"}'),  # blocks live in /blocks/
        ("mod_my_thing", '{"error":"invalid plugin specified"}'),  # looked up as /mod/my/
        ("local_unknown", '{"error":"invalid plugin specified"}'),
        ("local", '{"error":"invalid plugin specified"}'),
        ("../../etc_passwd", '{"error":"invalid plugin specified"}'),
    ],
)
def test_callforward(rest: RestFactory, callforward: str, body: str) -> None:
    h = rest(**CALLFORWARD)
    with_row(h)
    assert_json(connect(h, {"act": "myData"}, callforward=callforward), body)


def test_another_user_logged_in_is_logged_out_and_sent_back(rest: RestFactory) -> None:
    h = rest(**installed())
    with_row(h)
    u.login_form(h, "alumno2", "Alumno1234!")
    response = h.client.get(CONNECT_PHP, params={"userid": ALUMNO1, "token": TOKEN, "appid": APPID, "data": "{}"})
    again = f"{h.base_url}/local/eduauth/connect.php?token={TOKEN}&appid=at.edumessenger.app&callforward=&userid=3"
    u.assert_redirect(response, again)
    assert response.headers["access-control-allow-origin"] == "*"
    assert u.whoami(h) is None
    assert connect(h, {"act": "myData"}).json()["user"]["username"] == "alumno1"


def _changed(h: Harness, userid: int, **changes: Any) -> Any:
    from dataclasses import replace

    user = h.tenant.store.user(userid)
    assert user is not None
    return replace(user, **changes)
