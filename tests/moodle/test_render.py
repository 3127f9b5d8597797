"""JSON as PHP's ``json_encode`` writes it and XML as ``webservice_rest_server`` does (§1.4, §1.5)."""

from __future__ import annotations

from typing import Any

import pytest

from mockserver import phpjson
from mockserver.moodle.errors import (
    DebugLevel,
    DebugSettings,
    DmlMissingRecordException,
    InvalidParameterException,
    MoodleException,
    WebserviceAccessException,
)
from mockserver.moodle.params import ParamCleaner
from mockserver.moodle.phpvalues import float_to_string, print_r, var_export
from mockserver.moodle.webservice import render
from mockserver.moodle.webservice.description import DEFAULT, OPTIONAL, Multiple, Single, Value
from mockserver.moodle.webservice.validate import ReturnCleaner

CLEANER = ParamCleaner(wwwroot="http://h", languages=("en", "es"), auth_plugins=("manual",))


@pytest.mark.parametrize(
    ("value", "encoded"),
    [
        (None, "null"),
        (True, "true"),
        (False, "false"),
        (0, "0"),
        (-12, "-12"),
        ("", '""'),
        ("a/b", '"a\\/b"'),
        ("http://h/x", '"http:\\/\\/h\\/x"'),
        ("é", '"\\u00e9"'),
        ("Ana Pérez", '"Ana P\\u00e9rez"'),
        ("€", '"\\u20ac"'),
        ("😀", '"\\ud83d\\ude00"'),
        ('quote " back \\', '"quote \\" back \\\\"'),
        ("tab\tnl\ncr\r", '"tab\\tnl\\ncr\\r"'),
        ("\x01\x1f", '"\\u0001\\u001f"'),
        ("\x7f", '"\x7f"'),  # DEL is printed as is
        ("<b>&'", '"<b>&\'"'),  # no HEX_TAG / HEX_AMP / HEX_APOS flags
        (100.0, "100.0"),
        (33.333333333333336, "33.333333333333336"),
        (0.1, "0.1"),
        (-2.5, "-2.5"),
        (1e15, "1000000000000000.0"),
        (1e17, "1.0e+17"),
        (0.0001, "0.0001"),
        (1e-5, "1.0e-5"),
        ([], "[]"),
        ({}, "[]"),
        ([1, "a"], '[1,"a"]'),
        ({"b": 1, "a": [True, None]}, '{"b":1,"a":[true,null]}'),
    ],
)
def test_json_encode(value: Any, encoded: str) -> None:
    assert phpjson.encode(value) == encoded


def test_json_encode_fails_on_invalid_utf8() -> None:
    assert phpjson.json_encode({"debuginfo": "bad \udcff byte"}) is None
    assert phpjson.json_encode({"key \udcff": 1}) is None
    assert phpjson.json_encode(["ok"]) == '["ok"]'


@pytest.mark.parametrize(
    ("value", "text"),
    [
        (33.333333333333336, "33.333333333333"),
        (100.0, "100"),
        (0.1, "0.1"),
        (1e25, "1.0E+25"),
        (1.5e-7, "1.5E-7"),
        (-0.5, "-0.5"),
    ],
)
def test_php_float_to_string(value: float, text: str) -> None:
    assert float_to_string(value) == text


def test_print_r_and_var_export() -> None:
    assert print_r("abc") == "abc"
    assert print_r(None) == ""
    assert print_r({"a": "1", "b": {"c": "2"}}) == (
        "Array\n(\n    [a] => 1\n    [b] => Array\n        (\n            [c] => 2\n        )\n\n)\n"
    )
    assert var_export(["x'y"]) == "array (\n  0 => 'x\\'y',\n)"
    assert var_export([{"0": "a", "k": "b"}]) == "array (\n  0 => \n  array (\n    0 => 'a',\n    'k' => 'b',\n  ),\n)"


USER = Single(
    {
        "id": Value("int"),
        "username": Value("username", presence=OPTIONAL),
        "score": Value("float", presence=OPTIONAL),
        "active": Value("bool"),
        "note": Value("raw", presence=OPTIONAL, allownull=True),
        "tags": Multiple(Value("alphanumext"), presence=OPTIONAL),
        "lang": Value("lang", presence=DEFAULT, default="en"),
    }
)


def _clean(description: Any, value: Any) -> Any:
    return ReturnCleaner(CLEANER, "en", DebugSettings()).clean(description, value)


def test_xml_body_lists_every_described_key_in_order() -> None:
    value = _clean(Multiple(USER), [{"active": 1, "id": "5", "note": None, "score": 1 / 3, "username": "jdoe"}])
    assert value == [{"id": 5, "username": "jdoe", "score": 1 / 3, "active": True, "note": None, "lang": "en"}]
    assert render.success_body(value, Multiple(USER), "json") == (
        '[{"id":5,"username":"jdoe","score":0.3333333333333333,"active":true,"note":null,"lang":"en"}]'
    )
    assert render.success_body(value, Multiple(USER), "xml") == (
        '<?xml version="1.0" encoding="UTF-8" ?>\n'
        "<RESPONSE>\n"
        "<MULTIPLE>\n"
        "<SINGLE>\n"
        '<KEY name="id"><VALUE>5</VALUE>\n</KEY>\n'
        '<KEY name="username"><VALUE>jdoe</VALUE>\n</KEY>\n'
        '<KEY name="score"><VALUE>0.33333333333333</VALUE>\n</KEY>\n'
        '<KEY name="active"><VALUE>1</VALUE>\n</KEY>\n'
        '<KEY name="note"><VALUE null="null"/>\n</KEY>\n'
        '<KEY name="tags"><MULTIPLE>\n</MULTIPLE>\n</KEY>\n'
        '<KEY name="lang"><VALUE>en</VALUE>\n</KEY>\n'
        "</SINGLE>\n"
        "</MULTIPLE>\n"
        "</RESPONSE>\n"
    )


def test_xml_escapes_like_htmlspecialchars_ent_compat() -> None:
    description = Single({"text": Value("raw"), "flag": Value("bool")})
    value = {"text": '<a href="x">Tom & Jerry\'s</a>', "flag": False}
    assert render.success_body(value, description, "xml") == (
        '<?xml version="1.0" encoding="UTF-8" ?>\n<RESPONSE>\n<SINGLE>\n'
        '<KEY name="text"><VALUE>&lt;a href=&quot;x&quot;&gt;Tom &amp; Jerry\'s&lt;/a&gt;</VALUE>\n</KEY>\n'
        '<KEY name="flag"><VALUE>0</VALUE>\n</KEY>\n'
        "</SINGLE>\n</RESPONSE>\n"
    )


def test_void_function_bodies() -> None:
    assert render.success_body(None, None, "json") == "null"
    assert (
        render.success_body(None, None, "xml") == '<?xml version="1.0" encoding="UTF-8" ?>\n<RESPONSE>\n</RESPONSE>\n'
    )


def test_empty_single_structure_is_an_empty_json_array() -> None:
    description = Single({"a": Value("int", presence=OPTIONAL)})
    assert render.success_body(_clean(description, {}), description, "json") == "[]"


@pytest.mark.parametrize(
    ("description", "value", "debuginfo"),
    [
        (
            Single({"id": Value("int")}),
            {"id": "12abc"},
            'id => Invalid response value detected: Invalid external api response: the value is "12abc" of PHP '
            'type "string", the server was expecting "int" type',
        ),
        (
            Single({"id": Value("int")}),
            {},
            "Error in response - Missing following required key in a single structure: id",
        ),
        (
            Single({"name": Value("notags")}),
            {"name": "<b>x</b>"},
            'name => Invalid response value detected: Invalid external api response: the value is "<b>x</b>" of '
            'PHP type "string", the server was expecting "notags" type',
        ),
        (
            Single({"id": Value("int")}),
            {"id": None},
            'id => Invalid response value detected: Invalid external api response: the value is "" of PHP type '
            '"NULL", the server was expecting "int" type',
        ),
        (
            Single({"id": Value("int")}),
            {"id": {"x": 1}},
            "id => Invalid response value detected: Scalar type expected, array or object received.",
        ),
        (Single({"id": Value("int")}), "text", "Only arrays/objects accepted. The bad value is: 'text'"),
        (Multiple(Value("int")), "text", "Only arrays accepted. The bad value is: 'text'"),
    ],
)
def test_clean_return_refuses_values_outside_the_description(description: Any, value: Any, debuginfo: str) -> None:
    with pytest.raises(MoodleException) as raised:
        _clean(description, value)
    assert raised.value.kind == "invalid_response_exception"
    assert raised.value.errorcode == "invalidresponse"
    assert raised.value.debuginfo == debuginfo


def test_clean_return_drops_unknown_keys_and_coerces() -> None:
    description = Single({"id": Value("int"), "ok": Value("bool"), "ratio": Value("float")})
    assert _clean(description, {"extra": "x", "ok": "1", "ratio": 2, "id": 7}) == {"id": 7, "ok": True, "ratio": 2.0}


NONE = DebugSettings(DebugLevel.NONE)
NORMAL = DebugSettings(DebugLevel.NORMAL)
DEVELOPER = DebugSettings(DebugLevel.DEVELOPER)
DEVELOPER_NO_DISPLAY = DebugSettings(DebugLevel.DEVELOPER, display=False)


@pytest.mark.parametrize(
    ("debug", "json_body", "xml_body"),
    [
        (
            NONE,
            '{"exception":"invalid_parameter_exception","errorcode":"invalidparameter",'
            '"message":"Invalid parameter value detected"}',
            '<?xml version="1.0" encoding="UTF-8" ?>\n<EXCEPTION class="invalid_parameter_exception">\n'
            "<ERRORCODE>invalidparameter</ERRORCODE>\n<MESSAGE>Invalid parameter value detected</MESSAGE>\n"
            "</EXCEPTION>\n",
        ),
        (
            NORMAL,
            '{"exception":"invalid_parameter_exception","errorcode":"invalidparameter",'
            '"message":"Invalid parameter value detected","debuginfo":"a\\/b <x> & \\"q\\""}',
            '<?xml version="1.0" encoding="UTF-8" ?>\n<EXCEPTION class="invalid_parameter_exception">\n'
            "<ERRORCODE>invalidparameter</ERRORCODE>\n<MESSAGE>Invalid parameter value detected</MESSAGE>\n"
            "<DEBUGINFO>a/b &lt;x&gt; &amp; &quot;q&quot;</DEBUGINFO>\n</EXCEPTION>\n",
        ),
        (
            DEVELOPER,
            '{"exception":"invalid_parameter_exception","errorcode":"invalidparameter",'
            '"message":"Invalid parameter value detected (a\\/b <x> & \\"q\\")","debuginfo":"a\\/b <x> & \\"q\\""}',
            '<?xml version="1.0" encoding="UTF-8" ?>\n<EXCEPTION class="invalid_parameter_exception">\n'
            "<ERRORCODE>invalidparameter</ERRORCODE>\n"
            "<MESSAGE>Invalid parameter value detected (a/b &lt;x&gt; &amp; &quot;q&quot;)</MESSAGE>\n"
            "<DEBUGINFO>a/b &lt;x&gt; &amp; &quot;q&quot;</DEBUGINFO>\n</EXCEPTION>\n",
        ),
        (
            DEVELOPER_NO_DISPLAY,
            '{"exception":"invalid_parameter_exception","errorcode":"invalidparameter",'
            '"message":"Invalid parameter value detected","debuginfo":"a\\/b <x> & \\"q\\""}',
            '<?xml version="1.0" encoding="UTF-8" ?>\n<EXCEPTION class="invalid_parameter_exception">\n'
            "<ERRORCODE>invalidparameter</ERRORCODE>\n<MESSAGE>Invalid parameter value detected</MESSAGE>\n"
            "<DEBUGINFO>a/b &lt;x&gt; &amp; &quot;q&quot;</DEBUGINFO>\n</EXCEPTION>\n",
        ),
    ],
)
def test_error_bodies_by_debug_level(debug: DebugSettings, json_body: str, xml_body: str) -> None:
    error = InvalidParameterException('a/b <x> & "q"')
    assert render.error_body(error, "json", "en", debug, "4.1") == json_body
    assert render.error_body(error, "xml", "en", debug, "4.1") == xml_body


def test_error_without_debuginfo_never_has_the_key() -> None:
    error = MoodleException("invalidtoken", "webservice")
    expected = '{"exception":"moodle_exception","errorcode":"invalidtoken","message":"Invalid token - token not found"}'
    assert render.error_body(error, "json", "en", DEVELOPER, "4.1") == expected


def test_empty_debuginfo_is_shown_but_not_appended() -> None:
    error = InvalidParameterException("")
    assert render.error_body(error, "json", "en", DEVELOPER, "4.1") == (
        '{"exception":"invalid_parameter_exception","errorcode":"invalidparameter",'
        '"message":"Invalid parameter value detected","debuginfo":""}'
    )


@pytest.mark.parametrize(
    ("error", "class_41", "class_45"),
    [
        (MoodleException("invalidtoken", "webservice"), "moodle_exception", "core\\exception\\moodle_exception"),
        (InvalidParameterException("x"), "invalid_parameter_exception", "core\\exception\\invalid_parameter_exception"),
        (WebserviceAccessException("x"), "webservice_access_exception", "webservice_access_exception"),
        (
            DmlMissingRecordException("external_functions", "SELECT", ["x"]),
            "dml_missing_record_exception",
            "dml_missing_record_exception",
        ),
    ],
)
def test_exception_class_names_by_version(error: MoodleException, class_41: str, class_45: str) -> None:
    json_41 = render.error_body(error, "json", "en", NONE, "4.1")
    json_45 = render.error_body(error, "json", "en", NONE, "4.5")
    assert json_41.startswith('{"exception":' + phpjson.encode(class_41) + ",")
    assert json_45.startswith('{"exception":' + phpjson.encode(class_45) + ",")
    assert render.error_body(error, "xml", "en", NONE, "4.5").startswith(
        f'<?xml version="1.0" encoding="UTF-8" ?>\n<EXCEPTION class="{class_45}">\n'
    )


def test_invalid_utf8_empties_json_and_xml_text() -> None:
    error = InvalidParameterException('the value is "\udcff"')
    assert render.error_body(error, "json", "en", NORMAL, "4.1") == ""
    assert render.error_body(error, "json", "en", NONE, "4.1") == (
        '{"exception":"invalid_parameter_exception","errorcode":"invalidparameter",'
        '"message":"Invalid parameter value detected"}'
    )
    assert render.error_body(error, "xml", "en", DEVELOPER, "4.1") == (
        '<?xml version="1.0" encoding="UTF-8" ?>\n<EXCEPTION class="invalid_parameter_exception">\n'
        "<ERRORCODE>invalidparameter</ERRORCODE>\n<MESSAGE></MESSAGE>\n<DEBUGINFO></DEBUGINFO>\n</EXCEPTION>\n"
    )
