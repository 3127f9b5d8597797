"""``tool_mobile_get_public_config`` through ``lib/ajax/service.php`` (no session) and ``service-nologin.php``
and through the REST server; the AJAX envelope and its errors as Moodle's lib/ajax/service.php gives them."""

from __future__ import annotations

from typing import Any

import pytest

from tests.harness import Harness
from tests.moodle import util as u
from tests.moodle.functions import util as f
from tests.moodle.functions.conftest import ProvFactory

FN = "tool_mobile_get_public_config"
SERVICE = "/lib/ajax/service.php"
NOLOGIN = "/lib/ajax/service-nologin.php"
AJAX_HEADERS = {"content-type": "application/json; charset=utf-8", "access-control-allow-origin": "*"}
REQUIRES_LOGIN = "Web service is not available. (The session has been logged out or has expired.)"


def config(h: Harness, **changes: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "wwwroot": h.base_url,
        "httpswwwroot": h.base_url,
        "sitename": "Moodle de demostración",
        "guestlogin": 1,
        "rememberusername": 2,
        "authloginviaemail": 0,
        "registerauth": "",
        "forgottenpasswordurl": "",
        "authinstructions": "",
        "authnoneenabled": 0,
        "enablewebservices": 1,
        "enablemobilewebservice": 0,
        "maintenanceenabled": 0,
        "maintenancemessage": "",
        "typeoflogin": 1,
        "launchurl": f"{h.base_url}/admin/tool/mobile/launch.php",
        "mobilecssurl": "",
        "tool_mobile_disabledfeatures": "",
        "country": "",
        "agedigitalconsentverification": False,
        "autolang": 1,
        "lang": "en",
        "langmenu": 1,
        "langlist": "",
        "locale": "",
        "tool_mobile_minimumversion": "",
        "tool_mobile_iosappid": "633359593",
        "tool_mobile_androidappid": "com.moodle.moodlemobile",
        "tool_mobile_setuplink": "https://download.moodle.org/mobile",
        "warnings": [],
    }
    data.update(changes)
    return data


def post(h: Harness, body: str | bytes, path: str = SERVICE) -> str:
    response = h.client.post(path, content=body)
    assert response.status_code == 200
    for name, value in AJAX_HEADERS.items():
        assert response.headers[name] == value
    assert "set-cookie" not in response.headers
    return response.text


def one(index: int = 0, name: str = FN, args: Any = None) -> dict[str, Any]:
    return {"index": index, "methodname": name, "args": {} if args is None else args}


def exception(h: Harness, message: str, errorcode: str, module: str) -> dict[str, Any]:
    return {
        "error": True,
        "exception": {
            "message": message,
            "errorcode": errorcode,
            "link": f"{h.base_url}/",
            "moreinfourl": f"https://docs.moodle.org/401/en/error/{module}/{errorcode}",
        },
    }


@pytest.mark.parametrize("path", [SERVICE, NOLOGIN])
def test_public_config_without_a_session(prov: ProvFactory, path: str) -> None:
    h = prov()
    assert post(h, u.php_json([one()]), path) == u.php_json([{"error": False, "data": config(h)}])


def test_world_settings_show(prov_inprocess: ProvFactory) -> None:
    h = prov_inprocess(moodle={"maintenance": True, "enablemobilewebservice": True, "lang": "es", "autolang": False})
    expected = config(h, enablemobilewebservice=1, maintenanceenabled=1, autolang=0, lang="es")
    assert post(h, u.php_json([one()])) == u.php_json([{"error": False, "data": expected}])


def test_moodle_45_adds_showloginform(prov_inprocess: ProvFactory) -> None:
    h = prov_inprocess(moodle={"version": "4.5"})
    data = config(h, showloginform=1, tool_mfa_enabled=False)
    assert post(h, u.php_json([one()])) == u.php_json([{"error": False, "data": data}])


def test_nologin_get_args(prov_inprocess: ProvFactory) -> None:
    h = prov_inprocess()
    response = h.client.get(NOLOGIN, params={"args": u.php_json([one()])})
    assert response.text == u.php_json([{"error": False, "data": config(h)}])
    # service.php reads only the body
    assert h.client.get(SERVICE, params={"args": u.php_json([one()])}).text == (
        '{"error":"Coding error detected, it must be fixed by a programmer: Invalid json in request: Syntax error",'
        '"errorcode":"codingerror","stacktrace":null,"debuginfo":null,"reproductionlink":null}'
    )


def test_a_login_function_stops_service_php_but_not_nologin(prov: ProvFactory) -> None:
    h = prov()
    body = u.php_json([one(0, "core_user_create_users"), one(1)])
    refused = exception(h, REQUIRES_LOGIN, "servicerequireslogin", "webservice")
    assert post(h, body) == u.php_json([refused])
    assert post(h, body, NOLOGIN) == u.php_json([refused, {"error": False, "data": config(h)}])


def test_indexes_out_of_order_make_an_object(prov_inprocess: ProvFactory) -> None:
    h = prov_inprocess()
    body = u.php_json([one(1), one(0, args=[])])
    ok = {"error": False, "data": config(h)}
    assert post(h, body, NOLOGIN) == u.php_json({"1": ok, "0": ok})
    assert post(h, u.php_json({"a": one(), "b": one(1)})) == u.php_json([ok, ok])  # objects iterate values


def test_unexpected_args(prov_inprocess: ProvFactory) -> None:
    h = prov_inprocess()
    invalid = exception(h, f.PARAM_EN, "invalidparameter", "debug")
    assert post(h, u.php_json([one(args={"x": 1})])) == u.php_json([invalid])
    assert post(h, u.php_json([{"index": 0, "methodname": FN}])) == u.php_json([invalid])  # args missing: null


def test_developer_debug_adds_backtrace_and_debuginfo(prov_inprocess: ProvFactory) -> None:
    h = prov_inprocess(moodle={"debug": "developer"})
    body = post(h, u.php_json([one(args={"x": 1})]))
    assert body == u.php_json(
        [
            {
                "error": True,
                "exception": {
                    "message": f.PARAM_EN,
                    "errorcode": "invalidparameter",
                    "backtrace": "* line 0 of /lib/ajax/service.php: invalid_parameter_exception thrown\n",
                    "link": f"{h.base_url}/",
                    "moreinfourl": "https://docs.moodle.org/401/en/error/debug/invalidparameter",
                    "debuginfo": "Unexpected keys (x) detected in parameter array.\nError code: invalidparameter",
                },
            }
        ]
    )


def fatal(message: str, errorcode: str) -> str:
    return u.php_json(
        {"error": message, "errorcode": errorcode, "stacktrace": None, "debuginfo": None, "reproductionlink": None}
    )


CODING = "Coding error detected, it must be fixed by a programmer: "


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        (b"", fatal(CODING + "Invalid json in request: Syntax error", "codingerror")),
        (b"[{", fatal(CODING + "Invalid json in request: Syntax error", "codingerror")),
        (b"null", fatal(CODING + "Invalid json in request: No error", "codingerror")),
        (b"[NaN]", fatal(CODING + "Invalid json in request: Syntax error", "codingerror")),
        (
            b'["\xff"]',
            fatal(
                CODING + "Invalid json in request: Malformed UTF-8 characters, possibly incorrectly encoded",
                "codingerror",
            ),
        ),
        (
            b"[" * 600 + b"]" * 600,
            fatal(CODING + "Invalid json in request: Maximum stack depth exceeded", "codingerror"),
        ),
        (b"5", "[]"),
        (b"{}", "[]"),
        (b"[]", "[]"),
        (
            b'[{"index":0,"methodname":"nope","args":{}}]',
            fatal("Can't find data record in database table external_functions.", "invalidrecord"),
        ),
        (b"[5]", fatal("Can't find data record in database table external_functions.", "invalidrecord")),
        (
            b'[{"index":0,"methodname":["x"],"args":{}}]',
            fatal(
                CODING + "clean_param() can not process arrays, please use clean_param_array() instead.", "codingerror"
            ),
        ),
    ],
)
def test_bad_bodies(prov_inprocess: ProvFactory, body: bytes, expected: str) -> None:
    h = prov_inprocess()
    assert post(h, body) == expected
    assert post(h, body, NOLOGIN) == expected


def test_methodname_and_index_are_cleaned(prov_inprocess: ProvFactory) -> None:
    h = prov_inprocess()
    body = u.php_json([{"index": "0abc", "methodname": " tool_mobile_get_public_config!", "args": {}}])
    assert post(h, body) == u.php_json([{"error": False, "data": config(h)}])


def test_through_the_rest_server_when_in_the_service(prov_inprocess: ProvFactory) -> None:
    h = prov_inprocess(services=[{"name": "Caller service", "functions": [FN]}])
    response = f.call(h, FN, token=f.CALLER)
    u.assert_rest(response, u.php_json(config(h)))
