"""Request parsing of /webservice/rest/server.php (moodle-webservice.md §1.2): PHP form decoding,
GET+POST merge, format selection, settings, and malformed input."""

from __future__ import annotations

import json

import pytest

from mockserver import phpform
from tests.harness import REST
from tests.moodle.conftest import RestFactory
from tests.moodle.util import (
    WSUSER,
    assert_rest,
    error_body,
    json_error,
    loginurl_json,
    only_key,
    xml_error,
    xml_response,
)

LOGIN = "auth_userkey_request_login_url"
INVALID_PARAMETER = ("invalid_parameter_exception", "invalidparameter", "Invalid parameter value detected")


# --- PHP's decoding of names (php_register_variable_ex) -------------------------------------------


@pytest.mark.parametrize(
    ("query", "parsed"),
    [
        ("a=1&a=2", {"a": "2"}),
        ("a[]=1&a[]=2", {"a": {"0": "1", "1": "2"}}),
        ("users[7][email]=x&users[2][email]=y", {"users": {"7": {"email": "x"}, "2": {"email": "y"}}}),
        ("a[5]=x&a[]=y", {"a": {"5": "x", "6": "y"}}),
        ("a[07]=x&a[]=y", {"a": {"07": "x", "0": "y"}}),  # '07' is a string key
        ("a[ ]=x&a[ ]=y", {"a": {"0": "x", "1": "y"}}),  # '[ ]' appends like '[]'
        ("a[ b]=1", {"a": {" b": "1"}}),
        ("user.name=x&first name=y", {"user_name": "x", "first_name": "y"}),
        ("a.b[c.d]=1", {"a_b": {"c.d": "1"}}),  # only the top-level name is rewritten
        ("[a]=1&=2", {}),  # empty names are ignored
        ("a[b=1", {"a_b": "1"}),  # unclosed first bracket becomes '_'
        ("a[b.c d=1", {"a_b_c_d": "1"}),
        ("a[b][c=1", {"a": {"b": "1"}}),  # unclosed later bracket: the rest is dropped
        ("a[b]c=1", {"a": {"b": "1"}}),  # text after ']' is ignored
        ("  lead=1", {"lead": "1"}),
        ("nul%00cut=1", {"nul": "1"}),
        ("a=1&a[x]=2", {"a": {"x": "2"}}),
        ("a[x]=1&a=2", {"a": "2"}),
        ("plus=a+b&pct=%41%zz", {"plus": "a b", "pct": "A%zz"}),
        ("novalue&empty=", {"novalue": "", "empty": ""}),
        ("&&a=1&&", {"a": "1"}),
        ("bad=%ff", {"bad": "\udcff"}),
    ],
)
def test_php_form_decoding(query: str, parsed: dict[str, object]) -> None:
    assert phpform.parse(query.encode()) == parsed


def test_php_nesting_limit_drops_the_variable() -> None:
    assert phpform.parse("a" + "[x]" * 63 + "=1") != {}
    assert phpform.parse("a=1&a" + "[x]" * 65 + "=1") == {}


def test_max_input_vars_drops_the_rest() -> None:
    query = "&".join(f"v{i}=1" for i in range(1000)) + "&last=1"
    parsed = phpform.parse(query)
    assert len(parsed) == 1000
    assert "last" not in parsed


def test_array_merge_renumbers_integer_keys() -> None:
    merged = phpform.array_merge({"0": "get", "x": "get", "y": "get"}, {"0": "post", "x": "post"})
    assert merged == {"0": "get", "x": "post", "y": "get", "1": "post"}


# --- GET, POST, and both ---------------------------------------------------------------------------


def test_get_request(rest: RestFactory) -> None:
    h = rest()
    response = h.client.get(
        REST,
        params={"wstoken": WSUSER, "wsfunction": LOGIN, "moodlewsrestformat": "json", "user[username]": "carla"},
    )
    assert_rest(response, loginurl_json(h, only_key(h, 40)))


def test_post_request(rest: RestFactory) -> None:
    h = rest()
    response = h.rest(LOGIN, token=WSUSER, **{"user[username]": "carla"})
    assert_rest(response, loginurl_json(h, only_key(h, 40)))


def test_get_and_post_are_merged_and_post_wins(rest: RestFactory) -> None:
    h = rest()
    response = h.client.post(
        REST + f"?wstoken={WSUSER}&wsfunction={LOGIN}&user[username]=alumno1&moodlewsrestformat=xml",
        data={"user[username]": "carla", "moodlewsrestformat": "json"},
    )
    assert_rest(response, loginurl_json(h, only_key(h, 40)))
    assert [k.userid for k in h.tenant.store.user_keys()] == [40]


def test_post_merge_is_per_key_not_per_array(rest: RestFactory) -> None:
    # array_merge is shallow: POST's 'user' replaces GET's 'user' as a whole.
    h = rest(moodle={"debug": "normal"})
    response = h.client.post(
        REST + f"?wstoken={WSUSER}&user[username]=carla",
        data={"wsfunction": LOGIN, "moodlewsrestformat": "json", "user[ip]": "1.2.3.4"},
    )
    assert_rest(
        response,
        json_error(
            *INVALID_PARAMETER,
            "user => Invalid parameter value detected: Missing required key in single structure: username",
        ),
    )


@pytest.mark.parametrize("method", ["PUT", "DELETE", "PATCH", "OPTIONS"])
def test_other_methods_read_the_query_only(rest: RestFactory, method: str) -> None:
    h = rest()
    response = h.client.request(
        method,
        REST + f"?wstoken={WSUSER}&wsfunction={LOGIN}&moodlewsrestformat=json&user[username]=carla",
        content=b"user[username]=alumno1",
        headers={"Content-Type": "application/x-www-form-urlencoded"},
    )
    assert_rest(response, loginurl_json(h, only_key(h, 40)))


# --- moodlewsrestformat ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("fmt", "expected"),
    [(None, "xml"), ("xml", "xml"), ("json", "json"), ("JSON", "xml"), ("php", "xml"), ("", "xml"), (" json", "xml")],
)
def test_format_selection(rest: RestFactory, fmt: str | None, expected: str) -> None:
    h = rest()
    response = h.rest(LOGIN, token="nope", fmt=fmt)
    message = ("moodle_exception", "invalidtoken", "Invalid token - token not found")
    assert_rest(response, error_body(expected, *message), expected)


def test_format_array_falls_back_to_xml(rest: RestFactory) -> None:
    h = rest()
    response = h.client.get(REST + "?moodlewsrestformat[]=json")
    assert_rest(response, xml_error("moodle_exception", "invalidtoken", "Invalid token - token not found"), "xml")


def test_xml_success_body(rest: RestFactory) -> None:
    h = rest()
    response = h.rest(LOGIN, token=WSUSER, fmt=None, **{"user[username]": "carla"})
    key = only_key(h, 40)
    assert_rest(
        response,
        xml_response(
            "<SINGLE>\n"
            f'<KEY name="loginurl"><VALUE>{h.base_url}/auth/userkey/login.php?key={key}</VALUE>\n</KEY>\n'
            "</SINGLE>\n"
        ),
        "xml",
    )


# --- every other key is a function parameter -------------------------------------------------------


@pytest.mark.parametrize(
    ("extra", "debuginfo"),
    [
        ({"lang": "es"}, "Unexpected keys (lang) detected in parameter array."),
        ({"wantsurl": "http://x"}, "Unexpected keys (wantsurl) detected in parameter array."),
        ({"b": "1", "a": "2"}, "Unexpected keys (b, a) detected in parameter array."),
        ({"user.ip": "1"}, "Unexpected keys (user_ip) detected in parameter array."),
        ({"0": "x"}, "Unexpected keys (0) detected in parameter array."),
        (
            {"user[ip]": "1.2.3.4"},
            "user => Invalid parameter value detected: Unexpected keys (ip) detected in parameter array.",
        ),
    ],
)
def test_stray_parameters_are_unexpected_keys(rest: RestFactory, extra: dict[str, str], debuginfo: str) -> None:
    h = rest(moodle={"debug": "normal"})
    # Unexpected top-level keys are reported by the top level only after 'user' validated.
    response = h.rest(LOGIN, token=WSUSER, **{"user[username]": "carla", **extra})
    assert_rest(response, json_error(*INVALID_PARAMETER, debuginfo))


def test_lang_in_get_is_also_the_session_language(rest: RestFactory) -> None:
    h = rest(moodle={"debug": "normal"})
    response = h.client.post(
        REST + "?lang=es", data={"wstoken": WSUSER, "wsfunction": LOGIN, "moodlewsrestformat": "json"}
    )
    assert_rest(
        response,
        json_error(
            "invalid_parameter_exception",
            "invalidparameter",
            "Detectado valor de parámetro no válido",
            "Missing required key in single structure: user",
        ),
    )


@pytest.mark.parametrize(
    "settings",
    [
        {"moodlewssettingraw": "1"},
        {"moodlewssettingfileurl": "0"},
        {"moodlewssettingfilter": "true"},
        {"moodlewssettinglang": "en"},
        {"moodlewssettingtimezone": "America/Santiago"},
        {"moodlewssettinglang": "xx", "moodlewssettingraw": "junk"},
    ],
)
def test_settings_are_removed_from_the_parameters(rest: RestFactory, settings: dict[str, str]) -> None:
    h = rest()
    response = h.rest(LOGIN, token=WSUSER, **{"user[username]": "carla", **settings})
    assert_rest(response, loginurl_json(h, only_key(h, 40)))


def test_settings_in_get_are_removed_too(rest: RestFactory) -> None:
    h = rest()
    response = h.client.post(
        REST + "?moodlewssettingfilter=1&moodlewssettinglang=es",
        data={"wstoken": WSUSER, "wsfunction": LOGIN, "moodlewsrestformat": "json", "user[username]": "carla"},
    )
    assert_rest(response, loginurl_json(h, only_key(h, 40)))


# --- malformed input never yields a 500 ------------------------------------------------------------


def test_json_body_is_not_parsed(rest: RestFactory) -> None:
    h = rest(moodle={"debug": "normal"})
    response = h.client.post(
        REST + f"?wstoken={WSUSER}&wsfunction={LOGIN}&moodlewsrestformat=json",
        content=json.dumps({"user": {"username": "carla"}}).encode(),
        headers={"Content-Type": "application/json"},
    )
    assert_rest(response, json_error(*INVALID_PARAMETER, "Missing required key in single structure: user"))


def test_json_body_with_the_token_inside_is_an_invalid_token(rest: RestFactory) -> None:
    h = rest()
    body = {"wstoken": WSUSER, "wsfunction": LOGIN, "moodlewsrestformat": "json", "user": {"username": "carla"}}
    response = h.client.post(REST, json=body)
    assert_rest(response, xml_error("moodle_exception", "invalidtoken", "Invalid token - token not found"), "xml")


@pytest.mark.parametrize("content_type", ["text/plain", "application/octet-stream", "", "application/xml"])
def test_form_data_with_another_content_type_is_ignored(rest: RestFactory, content_type: str) -> None:
    h = rest()
    response = h.client.post(
        REST + "?moodlewsrestformat=json",
        content=f"wstoken={WSUSER}&wsfunction={LOGIN}&user[username]=carla".encode(),
        headers={"Content-Type": content_type},
    )
    assert_rest(response, json_error("moodle_exception", "invalidtoken", "Invalid token - token not found"))


@pytest.mark.parametrize(
    "content_type",
    [
        "application/x-www-form-urlencoded; charset=UTF-8",
        "APPLICATION/X-WWW-FORM-URLENCODED",
        "application/x-www-form-urlencoded,x",
    ],
)
def test_form_content_type_variants(rest: RestFactory, content_type: str) -> None:
    h = rest()
    response = h.client.post(
        REST,
        content=f"wstoken={WSUSER}&wsfunction={LOGIN}&moodlewsrestformat=json&user[username]=carla".encode(),
        headers={"Content-Type": content_type},
    )
    assert_rest(response, loginurl_json(h, only_key(h, 40)))


def test_multipart_form(rest: RestFactory) -> None:
    h = rest()
    response = h.client.post(
        REST,
        data={"wstoken": WSUSER, "wsfunction": LOGIN, "moodlewsrestformat": "json", "user[username]": "carla"},
        files={"upload": ("a.txt", b"file content", "text/plain")},
    )
    assert_rest(response, loginurl_json(h, only_key(h, 40)))


def test_malformed_multipart_gives_empty_post(rest: RestFactory) -> None:
    h = rest()
    response = h.client.post(
        REST + "?moodlewsrestformat=json",
        content=b"--x\r\nthis is not a multipart body",
        headers={"Content-Type": "multipart/form-data; boundary=zzz"},
    )
    assert_rest(response, json_error("moodle_exception", "invalidtoken", "Invalid token - token not found"))


def test_body_over_the_post_limit_is_dropped(server: object) -> None:
    from tests.harness import ServerFactory
    from tests.moodle.util import REST_SCENARIO

    assert callable(server)
    factory: ServerFactory = server
    h = factory(scenario=REST_SCENARIO, max_body_bytes=2000)
    fields = {"wstoken": WSUSER, "wsfunction": LOGIN, "moodlewsrestformat": "json", "user[username]": "carla"}
    small = h.client.post(REST, data=fields)
    assert_rest(small, loginurl_json(h, only_key(h, 40)))
    big = h.client.post(REST + "?moodlewsrestformat=json", data={**fields, "padding": "x" * 5000})
    assert_rest(big, json_error("moodle_exception", "invalidtoken", "Invalid token - token not found"))


def test_huge_parameter_value_is_validated_not_crashed(rest: RestFactory) -> None:
    h = rest(moodle={"debug": "normal"})
    value = "A" * 200_000
    response = h.rest(LOGIN, token=WSUSER, **{"user[username]": value})
    assert_rest(
        response,
        json_error(
            *INVALID_PARAMETER,
            "user => Invalid parameter value detected: username => Invalid parameter value detected: "
            f'Invalid external api parameter: the value is "{value}", the server was expecting "username" type',
        ),
    )


def test_max_input_vars_over_http(rest: RestFactory) -> None:
    h = rest()
    junk = "&".join(f"j{i}=1" for i in range(997))
    # Variables 1000 and 1001: the token is the 1000th (kept), then the 1001st (dropped).
    kept = h.client.get(REST + f"?moodlewsrestformat=json&{junk}&wsfunction=nope&wstoken={WSUSER}")
    unknown = "Can't find data record in database table external_functions."
    assert_rest(kept, json_error("dml_missing_record_exception", "invalidrecord", unknown))
    dropped = h.client.get(REST + f"?moodlewsrestformat=json&{junk}&wsfunction=nope&j=1&wstoken={WSUSER}")
    assert_rest(dropped, json_error("moodle_exception", "invalidtoken", "Invalid token - token not found"))


@pytest.mark.parametrize("fmt", ["json", "xml"])
def test_invalid_utf8_without_debugging(rest: RestFactory, fmt: str) -> None:
    h = rest()
    response = h.client.get(REST + f"?wstoken={WSUSER}&wsfunction={LOGIN}&moodlewsrestformat={fmt}&user[username]=%ff")
    assert_rest(response, error_body(fmt, *INVALID_PARAMETER), fmt)


def test_invalid_utf8_with_debugging_json_body_is_empty(rest: RestFactory) -> None:
    # The debuginfo quotes the raw bytes; PHP's json_encode() then fails and echo false prints nothing.
    h = rest(moodle={"debug": "normal"})
    response = h.client.get(REST + f"?wstoken={WSUSER}&wsfunction={LOGIN}&moodlewsrestformat=json&user[username]=%ff")
    assert_rest(response, "")


def test_invalid_utf8_with_debugging_xml_debuginfo_is_empty(rest: RestFactory) -> None:
    # htmlspecialchars() returns '' for invalid UTF-8.
    h = rest(moodle={"debug": "developer"})
    response = h.client.get(REST + f"?wstoken={WSUSER}&wsfunction={LOGIN}&user[username]=%ff")
    assert_rest(response, xml_error(*INVALID_PARAMETER[:2], "", ""), "xml")


def test_invalid_utf8_in_a_key(rest: RestFactory) -> None:
    h = rest(moodle={"debug": "normal"})
    response = h.client.get(REST + f"?wstoken={WSUSER}&wsfunction={LOGIN}&user[username]=carla&%ff=1")
    assert_rest(response, xml_error(*INVALID_PARAMETER, ""), "xml")


@pytest.mark.parametrize(
    ("query", "debuginfo"),
    [
        (
            "user[username][]=carla",
            "user => Invalid parameter value detected: username => Invalid parameter value detected: "
            "Scalar type expected, array or object received.",
        ),
        (
            "user[username][a][b]=carla",
            "user => Invalid parameter value detected: username => Invalid parameter value detected: "
            "Scalar type expected, array or object received.",
        ),
        # Wrapped with the key like every error below a structure key (moodle-webservice.md §5.1,
        # "values => ... Only arrays accepted"); auth-userkey.md §2.3 quotes only the inner text.
        ("user=carla", "user => Invalid parameter value detected: Only arrays accepted. The bad value is: 'carla'"),
        ("user=", "user => Invalid parameter value detected: Only arrays accepted. The bad value is: ''"),
        (
            "user[]=carla",
            "user => Invalid parameter value detected: Missing required key in single structure: username",
        ),
        (
            "user[username]=carla&user[username2]=x",
            "user => Invalid parameter value detected: Unexpected keys (username2) detected in parameter array.",
        ),
    ],
)
def test_arrays_and_scalars_in_the_wrong_place(rest: RestFactory, query: str, debuginfo: str) -> None:
    h = rest(moodle={"debug": "normal"})
    response = h.client.get(REST + f"?wstoken={WSUSER}&wsfunction={LOGIN}&moodlewsrestformat=json&{query}")
    assert_rest(response, json_error(*INVALID_PARAMETER, debuginfo))


def test_duplicated_keys_keep_the_last_value(rest: RestFactory) -> None:
    h = rest()
    response = h.client.get(
        REST + f"?wstoken=x&wstoken={WSUSER}&wsfunction={LOGIN}&moodlewsrestformat=json"
        "&user[username]=alumno1&user[username]=carla"
    )
    assert_rest(response, loginurl_json(h, only_key(h, 40)))


@pytest.mark.parametrize("token_query", ["wstoken[]=" + WSUSER, "wstoken[a]=x", "wstoken="])
def test_token_that_is_not_a_string(rest: RestFactory, token_query: str) -> None:
    h = rest()
    response = h.client.get(REST + f"?{token_query}&wsfunction={LOGIN}&moodlewsrestformat=json")
    assert_rest(response, json_error("moodle_exception", "invalidtoken", "Invalid token - token not found"))
