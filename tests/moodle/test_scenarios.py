"""The shipped scenarios/userkey-*.yaml: valid, and each shows its auth_userkey setting."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from mockserver.cli import main
from tests.harness import Harness, ServerFactory
from tests.moodle import util as u

SCENARIOS = u.ROOT / "scenarios"
NAMES = ["email", "iprestriction", "provisioning", "sso", "disabled", "spanish"]
LOGIN = "auth_userkey_request_login_url"


def scenario(name: str) -> Path:
    return SCENARIOS / f"userkey-{name}.yaml"


@pytest.mark.parametrize("name", NAMES)
def test_scenario_is_valid(name: str, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["validate", str(scenario(name))]) == 0
    assert capsys.readouterr().out == f"{scenario(name)}: ok\n"


def login_url(h: Harness, **user: str) -> Any:
    return h.rest(LOGIN, token=u.ADMIN, **{f"user[{k}]": v for k, v in user.items()})


def test_email_mapping(server: ServerFactory) -> None:
    h = server(scenario=scenario("email"))
    response = login_url(h, email="carla@example.com")
    key = u.only_key(h, 40)
    u.assert_rest(response, u.loginurl_json(h, key))
    assert u.only_key(h, 40) == key
    stored = h.tenant.store.user_key(key)
    assert stored is not None and stored.validuntil - stored.timecreated == 120
    course = f"{h.base_url}/course/view.php?id=10"
    u.assert_redirect(h.client.get(f"{response.json()['loginurl']}&wantsurl={course}"), course)
    assert u.whoami(h) == "Carla Muñoz"
    refused = login_url(h, username="carla")
    assert refused.json() == {
        "exception": "invalid_parameter_exception",
        "errorcode": "invalidparameter",
        "message": "Invalid parameter value detected",
    }


def test_iprestriction_with_whitelist(server: ServerFactory) -> None:
    h = server(scenario=scenario("iprestriction"))
    missing_ip = login_url(h, username="carla")
    assert missing_ip.json()["errorcode"] == "invalidparameter"
    for client, allowed in [
        ("198.51.100.1", False),
        ("203.0.113.10", True),
        ("10.20.30.40", True),
        ("192.168.77.1", True),
        ("172.16.5.20", True),
        ("172.16.5.21", False),
    ]:
        url = login_url(h, username="carla", ip="203.0.113.10").json()["loginurl"]
        response = h.client.get(url, headers={"Client-IP": client})
        if allowed:
            u.assert_redirect(response, h.base_url)
            h.client.cookies.clear()
        else:
            u.assert_error_page(response, "Client IP address mismatch", link=f"{h.base_url}/")


def test_provisioning(server: ServerFactory) -> None:
    h = server(scenario=scenario("provisioning"))
    created = login_url(
        h, idnumber="NEW-1", username="nuevo", email="nuevo@example.com", firstname="Nuevo", lastname="Usuario"
    )
    u.assert_rest(created, u.loginurl_json(h, u.only_key(h, 48)))
    user = h.tenant.store.user(48)
    assert user is not None and (user.username, user.auth, user.idnumber) == ("nuevo", "userkey", "NEW-1")
    updated = login_url(h, idnumber="EST-0040", email="carla@example.com", firstname="Carlota")
    u.assert_rest(updated, u.loginurl_json(h, u.only_key(h, 40)))
    carla = h.tenant.store.user(40)
    assert carla is not None and (carla.firstname, carla.auth) == ("Carlota", "userkey")
    incomplete = login_url(h, idnumber="NEW-2", username="otro")
    assert incomplete.json()["errorcode"] == "invalidparameter"


def test_sso_and_logout_redirect(server: ServerFactory) -> None:
    h = server(scenario=scenario("sso"))
    u.assert_redirect(h.client.get("/login/index.php"), "https://portal.example.cl/ingresar")
    u.assert_redirect(h.client.get("/my/"), "https://portal.example.cl/ingresar")
    assert h.client.get("/login/index.php?enrolkey_skipsso=1").status_code == 200
    url = login_url(h, username="carla").json()["loginurl"]
    u.assert_redirect(h.client.get(url), h.base_url)
    sesskey = h.tenant.store.sessions_of_user(40)[0].sesskey
    u.assert_redirect(h.client.get(f"/login/logout.php?sesskey={sesskey}"), "https://portal.example.cl/salir")


def test_plugin_disabled(server: ServerFactory) -> None:
    h = server(scenario=scenario("disabled"))
    u.assert_rest(
        login_url(h, username="carla"),
        u.json_error(
            "webservice_access_exception",
            "accessexception",
            "Access control exception",
            "The userkey authentication plugin is disabled.",
        ),
    )
    disabled = "error/The userkey authentication plugin is disabled."
    u.assert_error_page(h.client.get("/auth/userkey/login.php?key=abc"), disabled, link=f"{h.base_url}/")
    u.assert_error_page(h.client.get("/auth/userkey/logout.php?return=/"), disabled, link=f"{h.base_url}/")
    assert h.client.get("/login/index.php").status_code == 200  # no SSO hook


def test_spanish_site(server: ServerFactory) -> None:
    h = server(scenario=scenario("spanish"))
    u.assert_rest(
        h.rest(LOGIN, token="nope"),
        u.json_error("moodle_exception", "invalidtoken", "Ficha (token) no válida - ficha no encontrada"),
    )
    u.assert_rest(
        login_url(h, username="nadie"),
        u.json_error("invalid_parameter_exception", "invalidparameter", "Detectado valor de parámetro no válido"),
    )
    url = login_url(h, username="alumno1").json()["loginurl"]
    response = h.client.get(url)
    u.assert_redirect(response, h.base_url)
    assert '<a href="' + h.base_url + '">Continuar</a>' in response.text
    english = h.client.post(
        "/webservice/rest/server.php",
        data={"wstoken": "nope", "moodlewsrestformat": "json"},
        headers={"Accept-Language": "en-US,en;q=0.9"},
    )
    u.assert_rest(english, u.json_error("moodle_exception", "invalidtoken", "Invalid token - token not found"))
