"""``core_webservice_get_site_info`` (moodle-webservice.md §3.2)."""

from __future__ import annotations

import re
from typing import Any

import pytest

from tests.harness import REST, Harness
from tests.moodle import util as u
from tests.moodle.conftest import RestFactory

SITE_INFO = "core_webservice_get_site_info"
ADVANCED = [
    ("usecomments", 1),
    ("usetags", 1),
    ("enablenotes", 1),
    ("messaging", 1),
    ("enableblogs", 1),
    ("enablecompletion", 1),
    ("enablebadges", 1),
    ("messagingallusers", 0),
    ("enablecustomreports", 1),
    ("mnet_dispatcher_mode", 0),
    ("enablecompetencies", 1),
]


def expected(h: Harness, **changes: Any) -> dict[str, Any]:
    info: dict[str, Any] = {
        "sitename": "Moodle de demostración",
        "username": "wsuser",
        "firstname": "Web",
        "lastname": "Service",
        "fullname": "Web Service",
        "lang": "en",
        "userid": 20,
        "siteurl": h.base_url,
        "userpictureurl": f"{h.base_url}/theme/image.php/boost/core/1/u/f1",
        "functions": [
            {"name": "auth_userkey_request_login_url", "version": "2022081901"},
            {"name": "core_webservice_get_site_info", "version": "2022112810"},
        ],
        "downloadfiles": 0,
        "uploadfiles": 0,
        "release": "4.1.10 (Build: 20240422)",
        "version": "2022112810",
        "mobilecssurl": "",
        "advancedfeatures": [{"name": n, "value": v} for n, v in ADVANCED],
        "usercanmanageownfiles": True,
        "userquota": 104857600,
        "usermaxuploadfilesize": 2097152,
        "userhomepage": 1,
        "userprivateaccesskey": None,
        "siteid": 1,
        "sitecalendartype": "gregorian",
        "usercalendartype": "gregorian",
        "userissiteadmin": False,
        "theme": "boost",
        "limitconcurrentlogins": 0,
    }
    info.update(changes)
    return info


def private_key(response: Any) -> str:
    match = re.search(r'"userprivateaccesskey":"([0-9a-f]{32})"', response.text)
    assert match is not None
    return match.group(1)


def test_site_info_json(rest: RestFactory) -> None:
    h = rest()
    response = h.rest(SITE_INFO, token=u.WSUSER)
    key = private_key(response)
    u.assert_rest(response, u.php_json(expected(h, userprivateaccesskey=key)))
    assert private_key(h.rest(SITE_INFO, token=u.WSUSER)) == key  # stable per user


def test_site_info_json_text_is_php_encoded(rest: RestFactory) -> None:
    h = rest()
    text = h.rest(SITE_INFO, token=u.WSUSER).text
    assert text.startswith('{"sitename":"Moodle de demostraci\\u00f3n","username":"wsuser",')
    escaped = h.base_url.replace("/", "\\/")
    assert f'"siteurl":"{escaped}",' in text


def test_site_info_xml(rest: RestFactory) -> None:
    h = rest()
    response = h.rest(SITE_INFO, token=u.WSUSER, fmt="xml")
    key = private_key(h.rest(SITE_INFO, token=u.WSUSER))

    def value(v: str) -> str:
        return f"<VALUE>{v}</VALUE>\n"

    def pair(name: str, version: str) -> str:
        return (
            f'<SINGLE>\n<KEY name="name">{value(name)}</KEY>\n<KEY name="version">{value(version)}</KEY>\n</SINGLE>\n'
        )

    def feature(name: str, flag: int) -> str:
        return (
            f'<SINGLE>\n<KEY name="name">{value(name)}</KEY>\n<KEY name="value">{value(str(flag))}</KEY>\n</SINGLE>\n'
        )

    scalars = [
        ("sitename", value("Moodle de demostración")),
        ("username", value("wsuser")),
        ("firstname", value("Web")),
        ("lastname", value("Service")),
        ("fullname", value("Web Service")),
        ("lang", value("en")),
        ("userid", value("20")),
        ("siteurl", value(h.base_url)),
        ("userpictureurl", value(f"{h.base_url}/theme/image.php/boost/core/1/u/f1")),
        (
            "functions",
            "<MULTIPLE>\n"
            + pair("auth_userkey_request_login_url", "2022081901")
            + pair("core_webservice_get_site_info", "2022112810")
            + "</MULTIPLE>\n",
        ),
        ("downloadfiles", value("0")),
        ("uploadfiles", value("0")),
        ("release", value("4.1.10 (Build: 20240422)")),
        ("version", value("2022112810")),
        ("mobilecssurl", value("")),
        ("advancedfeatures", "<MULTIPLE>\n" + "".join(feature(n, v) for n, v in ADVANCED) + "</MULTIPLE>\n"),
        ("usercanmanageownfiles", value("1")),
        ("userquota", value("104857600")),
        ("usermaxuploadfilesize", value("2097152")),
        ("userhomepage", value("1")),
        ("userprivateaccesskey", value(key)),
        ("siteid", value("1")),
        ("sitecalendartype", value("gregorian")),
        ("usercalendartype", value("gregorian")),
        ("userissiteadmin", value("0")),
        ("theme", value("boost")),
        ("limitconcurrentlogins", value("0")),
        ("usersessionscount", '<VALUE null="null"/>\n'),  # optional and absent: still listed in XML
    ]
    payload = "<SINGLE>\n" + "".join(f'<KEY name="{k}">{v}</KEY>\n' for k, v in scalars) + "</SINGLE>\n"
    u.assert_rest(response, u.xml_response(payload), "xml")


def test_site_info_for_an_admin_and_a_file_service(rest: RestFactory) -> None:
    h = rest()
    admin = h.rest(SITE_INFO, token=u.ADMIN_CAPABILITY_SERVICE).json()
    assert (admin["userissiteadmin"], admin["userquota"], admin["usermaxuploadfilesize"]) == (True, 0, -1)
    assert admin["functions"] == [{"name": "core_webservice_get_site_info", "version": "2022112810"}]
    files = h.rest(SITE_INFO, token=u.SITEINFO_ONLY).json()
    assert (files["downloadfiles"], files["uploadfiles"]) == (1, 1)


@pytest.mark.parametrize(
    ("token", "params", "headers", "lang"),
    [
        (u.WSUSER, {}, {}, "en"),
        (u.SPANISH, {}, {}, "es"),
        (u.WSUSER, {"moodlewssettinglang": "es"}, {}, "es"),
        (u.SPANISH, {"moodlewssettinglang": "en"}, {}, "en"),
        (u.WSUSER, {}, {"Accept-Language": "es"}, "es"),
        (u.SPANISH, {"moodlewssettinglang": "fr"}, {}, "es"),  # not installed: ignored
    ],
)
def test_site_info_lang_is_the_current_language(
    rest: RestFactory, token: str, params: dict[str, str], headers: dict[str, str], lang: str
) -> None:
    h = rest()
    data = {"wstoken": token, "wsfunction": SITE_INFO, "moodlewsrestformat": "json", **params}
    assert h.client.post(REST, data=data, headers=headers).json()["lang"] == lang


def test_site_info_lang_of_a_user_with_an_uninstalled_language(rest: RestFactory) -> None:
    user = {"id": 90, "username": "francais", "lang": "fr", "capabilities": ["webservice/rest:use"]}
    token = {"token": "0000000000000000000000000000f090", "user": "francais", "service": "integration"}
    h = rest(users=[user], tokens=[token])
    assert h.rest(SITE_INFO, token=token["token"]).json()["lang"] == ""


def test_site_info_sitename_goes_through_format_string(rest: RestFactory) -> None:
    h = rest(moodle={"sitename": "R&D <b>Campus</b> &amp; más"})
    assert h.rest(SITE_INFO, token=u.WSUSER).json()["sitename"] == "R&amp;D Campus &amp; más"
    raw = h.rest(SITE_INFO, token=u.WSUSER, moodlewssettingraw="1").json()
    assert raw["sitename"] == "R&D <b>Campus</b> &amp; más"


def test_site_info_siteurl_is_wwwroot(rest: RestFactory) -> None:
    h = rest(moodle={"wwwroot": "https://campus.example.cl/moodle"})
    info = h.rest(SITE_INFO, token=u.WSUSER).json()
    assert info["siteurl"] == "https://campus.example.cl/moodle"
    assert info["userpictureurl"] == "https://campus.example.cl/moodle/theme/image.php/boost/core/1/u/f1"


def test_site_info_serviceshortnames_is_ignored_but_validated(rest: RestFactory) -> None:
    h = rest(moodle={"debug": "normal"})
    ok = h.rest(SITE_INFO, token=u.WSUSER, **{"serviceshortnames[0]": "whatever", "serviceshortnames[1]": "x"})
    assert ok.json()["username"] == "wsuser"
    bad = h.rest(SITE_INFO, token=u.WSUSER, **{"serviceshortnames[0]": "a b"})
    u.assert_rest(
        bad,
        u.json_error(
            "invalid_parameter_exception",
            "invalidparameter",
            "Invalid parameter value detected",
            "serviceshortnames => Invalid parameter value detected: Invalid external api parameter: the value is "
            '"a b", the server was expecting "alphanumext" type',
        ),
    )
    scalar = h.rest(SITE_INFO, token=u.WSUSER, serviceshortnames="x")
    u.assert_rest(
        scalar,
        u.json_error(
            "invalid_parameter_exception",
            "invalidparameter",
            "Invalid parameter value detected",
            "serviceshortnames => Invalid parameter value detected: Only arrays accepted. The bad value is: 'x'",
        ),
    )


def test_site_info_name_that_breaks_the_return_description(rest: RestFactory) -> None:
    # firstname is PARAM_TEXT in the return description: a tag fails clean_returnvalue.
    user = {
        "id": 91,
        "username": "tagged",
        "firstname": "<b>Bold</b>",
        "capabilities": ["webservice/rest:use"],
    }
    token = {"token": "0000000000000000000000000000f091", "user": "tagged", "service": "integration"}
    h = rest(users=[user], tokens=[token], moodle={"debug": "normal"})
    u.assert_rest(
        h.rest(SITE_INFO, token=token["token"]),
        u.json_error(
            "invalid_response_exception",
            "invalidresponse",
            "Invalid response value detected",
            'firstname => Invalid response value detected: Invalid external api response: the value is "<b>Bold</b>" '
            'of PHP type "string", the server was expecting "text" type',
        ),
    )
