"""Language of REST messages (moodle-webservice.md §6): site, Accept-Language, ?lang=, token user,
moodlewssettinglang; Spanish strings; debuginfo always English; pages in the page language."""

from __future__ import annotations

from typing import Any

import pytest

from tests.harness import REST, Harness
from tests.moodle import util as u
from tests.moodle.conftest import RestFactory

LOGIN = "auth_userkey_request_login_url"
SITE_INFO = "core_webservice_get_site_info"
INVALID_TOKEN_EN = "Invalid token - token not found"
INVALID_TOKEN_ES = "Ficha (token) no válida - ficha no encontrada"
PARAM_EN = "Invalid parameter value detected"
PARAM_ES = "Detectado valor de parámetro no válido"
ACCESS_EN = "Access control exception"
ACCESS_ES = "Excepción al control de acceso"


def post(h: Harness, data: dict[str, str], headers: dict[str, str] | None = None, query: str = "") -> Any:
    return h.client.post(REST + query, data={"moodlewsrestformat": "json", **data}, headers=headers or {})


@pytest.mark.parametrize(
    ("site_lang", "autolang", "accept", "message"),
    [
        ("en", True, None, INVALID_TOKEN_EN),
        ("es", True, None, INVALID_TOKEN_ES),
        ("en", True, "es", INVALID_TOKEN_ES),
        ("es", True, "en", INVALID_TOKEN_EN),
        ("en", False, "es", INVALID_TOKEN_EN),
        ("en", True, "es-CL,es;q=0.9,en;q=0.8", INVALID_TOKEN_ES),
        ("en", True, "es-ES", INVALID_TOKEN_EN),  # es_es is not an installed pack
        ("en", True, "ES", INVALID_TOKEN_ES),  # lower-cased after cleaning
        ("es", True, "fr-FR, de;q=0.9", INVALID_TOKEN_ES),  # nothing installed: site language
        ("en", True, "fr, es;q=0.1", INVALID_TOKEN_ES),
        ("en", True, "es;q=0.5, en", INVALID_TOKEN_EN),  # no q means 1.0
        ("en", True, "en;q=0.1, es;q=0.9", INVALID_TOKEN_ES),
        ("es", True, "en;q=0.8,es;q=0.8", INVALID_TOKEN_ES),  # same weight: the later entry replaces the earlier
        ("en", True, "es;q=0.8,en;q=0.8", INVALID_TOKEN_EN),
        ("es", True, "*", INVALID_TOKEN_ES),
        ("xx", True, None, INVALID_TOKEN_EN),  # an uninstalled site language falls back to English strings
    ],
)
def test_language_before_authentication(
    rest: RestFactory, site_lang: str, autolang: bool, accept: str | None, message: str
) -> None:
    h = rest(moodle={"lang": site_lang, "autolang": autolang})
    headers = {"Accept-Language": accept} if accept is not None else {}
    response = post(h, {"wstoken": "nope"}, headers)
    u.assert_rest(response, u.json_error("moodle_exception", "invalidtoken", message))


def test_spanish_json_is_escaped_and_xml_is_raw_utf8(rest: RestFactory) -> None:
    h = rest(moodle={"lang": "es"})
    json_body = post(h, {"wstoken": "nope"})
    assert json_body.text == (
        '{"exception":"moodle_exception","errorcode":"invalidtoken",'
        '"message":"Ficha (token) no v\\u00e1lida - ficha no encontrada"}'
    )
    xml = h.rest(LOGIN, token="nope", fmt="xml")
    u.assert_rest(xml, u.xml_error("moodle_exception", "invalidtoken", INVALID_TOKEN_ES), "xml")
    assert "no válida".encode() in xml.content


def test_lang_parameter_in_get(rest: RestFactory) -> None:
    h = rest()
    u.assert_rest(
        post(h, {"wstoken": "nope"}, query="?lang=es"),
        u.json_error("moodle_exception", "invalidtoken", INVALID_TOKEN_ES),
    )
    # Only when GET has it (then POST's value wins); unknown packs are ignored.
    u.assert_rest(
        post(h, {"wstoken": "nope", "lang": "es"}), u.json_error("moodle_exception", "invalidtoken", INVALID_TOKEN_EN)
    )
    u.assert_rest(
        post(h, {"wstoken": "nope", "lang": "en"}, {"Accept-Language": "es"}, query="?lang=es"),
        u.json_error("moodle_exception", "invalidtoken", INVALID_TOKEN_EN),
    )
    u.assert_rest(
        post(h, {"wstoken": "nope"}, query="?lang=fr"),
        u.json_error("moodle_exception", "invalidtoken", INVALID_TOKEN_EN),
    )


SUSPENDED_ES_USER = {
    "id": 95,
    "username": "suspendidaes",
    "suspended": True,
    "lang": "es",
    "capabilities": ["webservice/rest:use"],
}
SUSPENDED_ES_TOKEN = {"token": "0000000000000000000000000000f095", "user": "suspendidaes", "service": "integration"}


def test_user_state_errors_come_before_the_user_language(rest: RestFactory) -> None:
    h = rest(users=[SUSPENDED_ES_USER], tokens=[SUSPENDED_ES_TOKEN])
    english = post(h, {"wstoken": SUSPENDED_ES_TOKEN["token"], "wsfunction": SITE_INFO})
    u.assert_rest(
        english,
        u.json_error(
            "moodle_exception",
            "wsaccessusersuspended",
            "Refused web service access for suspended username: suspendidaes",
        ),
    )
    spanish_site = rest(users=[SUSPENDED_ES_USER], tokens=[SUSPENDED_ES_TOKEN], moodle={"lang": "es"})
    u.assert_rest(
        post(spanish_site, {"wstoken": u.SUSPENDED, "wsfunction": SITE_INFO}),
        u.json_error(
            "moodle_exception",
            "wsaccessusersuspended",
            "Se rechazó el acceso a servicio web para el 'nombre de usuario' suspendido: wssuspended",
        ),
    )
    # Strings the Spanish pack lacks fall back to English one by one.
    u.assert_rest(
        post(spanish_site, {"wstoken": u.UNCONFIRMED, "wsfunction": SITE_INFO}),
        u.json_error(
            "moodle_exception",
            "wsaccessuserunconfirmed",
            "Refused web service access for unconfirmed username: wsunconfirmed",
        ),
    )


@pytest.mark.parametrize(
    ("data", "headers", "body"),
    [
        # After authentication: the token user's language (wsespanol is Spanish)...
        (
            {"wstoken": u.SPANISH},
            {},
            u.json_error("invalid_parameter_exception", "invalidparameter", PARAM_ES, "Missing function name"),
        ),
        (
            {"wstoken": u.SPANISH, "wsfunction": "nope"},
            {},
            u.json_error(
                "dml_missing_record_exception",
                "invalidrecord",
                "No se puede encontrar registro de datos en la tabla external_functions de la base de datos.",
                "SELECT * FROM {external_functions} WHERE name = ?\n[array (\n  0 => 'nope',\n)]",
            ),
        ),
        # ...unless the browser language was set at bootstrap.
        (
            {"wstoken": u.SPANISH},
            {"Accept-Language": "en"},
            u.json_error("invalid_parameter_exception", "invalidparameter", PARAM_EN, "Missing function name"),
        ),
        (
            {"wstoken": u.SPANISH, "wsfunction": LOGIN},
            {},
            u.json_error(
                "invalid_parameter_exception",
                "invalidparameter",
                PARAM_ES,
                "Missing required key in single structure: user",
            ),
        ),
        (
            {"wstoken": u.SPANISH, "wsfunction": LOGIN, "user[username]": "nobody"},
            {},
            u.json_error("invalid_parameter_exception", "invalidparameter", PARAM_ES, "User is not exist"),
        ),
        (
            {"wstoken": u.SPANISH, "wsfunction": LOGIN, "user[username]": "Nobody"},
            {},
            u.json_error(
                "invalid_parameter_exception",
                "invalidparameter",
                PARAM_ES,
                f"user => {PARAM_ES}: username => {PARAM_ES}: Invalid external api parameter: the value is "
                '"Nobody", the server was expecting "username" type',
            ),
        ),
    ],
)
def test_language_of_the_token_user(
    rest: RestFactory, data: dict[str, str], headers: dict[str, str], body: str
) -> None:
    h = rest(moodle={"debug": "normal"})
    u.assert_rest(post(h, data, headers), body)


def test_moodlewssettinglang_applies_after_function_access(rest: RestFactory) -> None:
    h = rest(moodle={"debug": "normal"})
    access = post(h, {"wstoken": u.SITEINFO_ONLY, "wsfunction": LOGIN, "moodlewssettinglang": "es"})
    u.assert_rest(
        access,
        u.json_error(
            "webservice_access_exception", "accessexception", ACCESS_EN, u.ACCESS_NOT_ALLOWED.format(name=LOGIN)
        ),
    )
    params = post(h, {"wstoken": u.WSUSER, "wsfunction": LOGIN, "moodlewssettinglang": "es"})
    u.assert_rest(
        params,
        u.json_error(
            "invalid_parameter_exception",
            "invalidparameter",
            PARAM_ES,
            "Missing required key in single structure: user",
        ),
    )
    english = post(h, {"wstoken": u.SPANISH, "wsfunction": LOGIN, "moodlewssettinglang": "en"})
    u.assert_rest(
        english,
        u.json_error(
            "invalid_parameter_exception",
            "invalidparameter",
            PARAM_EN,
            "Missing required key in single structure: user",
        ),
    )


def test_access_errors_in_the_token_users_language(rest: RestFactory) -> None:
    user = {"id": 96, "username": "sinaccesoes", "lang": "es", "capabilities": ["webservice/rest:use"]}
    token = {"token": "0000000000000000000000000000f096", "user": "sinaccesoes", "service": "siteinfo_ws"}
    h = rest(users=[user], tokens=[token], moodle={"debug": "normal"})
    u.assert_rest(
        post(h, {"wstoken": token["token"], "wsfunction": LOGIN, "moodlewssettinglang": "en"}),
        u.json_error(
            "webservice_access_exception", "accessexception", ACCESS_ES, u.ACCESS_NOT_ALLOWED.format(name=LOGIN)
        ),
    )


@pytest.mark.parametrize(
    ("setting", "message"),
    [("es", PARAM_ES), ("xx", PARAM_EN), ("ES", PARAM_EN), ("e-s", PARAM_EN), ("", PARAM_EN)],
)
def test_moodlewssettinglang_values(rest: RestFactory, setting: str, message: str) -> None:
    h = rest()
    response = post(h, {"wstoken": u.WSUSER, "wsfunction": LOGIN, "moodlewssettinglang": setting})
    u.assert_rest(response, u.json_error("invalid_parameter_exception", "invalidparameter", message))


def test_moodlewssettinglang_post_wins(rest: RestFactory) -> None:
    h = rest()
    response = post(
        h, {"wstoken": u.WSUSER, "wsfunction": LOGIN, "moodlewssettinglang": "en"}, query="?moodlewssettinglang=es"
    )
    u.assert_rest(response, u.json_error("invalid_parameter_exception", "invalidparameter", PARAM_EN))


def test_developer_message_in_spanish(rest: RestFactory) -> None:
    h = rest(moodle={"debug": "developer", "lang": "es"})
    response = post(h, {"wstoken": u.WSUSER, "wsfunction": LOGIN, "moodlewssettinglang": "es"})
    u.assert_rest(
        response,
        u.json_error(
            "invalid_parameter_exception",
            "invalidparameter",
            f"{PARAM_ES} (Missing required key in single structure: user)",
            "Missing required key in single structure: user",
        ),
    )


def test_missing_spanish_string_falls_back_to_english(rest: RestFactory) -> None:
    nocap = {"id": 97, "username": "sinpermiso", "lang": "es", "capabilities": ["webservice/rest:use"]}
    token = {"token": "0000000000000000000000000000f097", "user": "sinpermiso", "service": "integration"}
    h = rest(users=[nocap], tokens=[token], moodle={"lang": "es"})
    response = post(h, {"wstoken": token["token"], "wsfunction": LOGIN, "user[username]": "carla"})
    u.assert_rest(
        response,
        u.json_error(
            "required_capability_exception",
            "nopermissions",
            "Sorry, but you do not currently have permissions to do that (Generate login user key).",
        ),
    )


def test_error_pages_in_the_page_language(rest: RestFactory) -> None:
    h = rest(moodle={"lang": "es"})
    page = h.client.get("/auth/userkey/login.php?key=nope")
    # The page chrome is Spanish; 'invalidkey' has no Spanish string in the table, so English.
    u.assert_error_page(page, "Incorrect key", link=f"{h.base_url}/")
    assert '<html dir="ltr" lang="es" xml:lang="es">' in page.text
    assert f'<a class="btn btn-primary" href="{h.base_url}/">Continuar</a>' in page.text
    english = h.client.get("/auth/userkey/login.php?key=nope", headers={"Accept-Language": "en"})
    assert f'<a class="btn btn-primary" href="{h.base_url}/">Continue</a>' in english.text


def test_redirect_page_in_the_users_language(rest: RestFactory) -> None:
    h = rest()
    url = h.rest(LOGIN, token=u.WSUSER, **{"user[username]": "alumno1"}).json()["loginurl"]
    response = h.client.get(url)
    u.assert_redirect(response, h.base_url)
    assert "Esta página debería redirigirse automáticamente." in response.text
