"""The plugin's pure rules: cookie name and detection, $_COOKIE parsing, value extraction, PHP comparisons."""

from __future__ import annotations

import hashlib

import pytest

from mockserver.moodle.plugins.auth_drupalservices.cookies import cookie_name, detect, drupal_session, php_cookies
from mockserver.moodle.plugins.auth_drupalservices.users import d7_value, d8_extract, php_str, uid_below_one


def _name(prefix: str, base: str) -> str:
    return prefix + hashlib.sha256(base.encode()).hexdigest()[:32]


def test_cookie_name_rule() -> None:
    assert cookie_name("http://drupal.example.com", ".example.com") == _name("SESS", ".example.com")
    assert cookie_name("https://drupal.example.com", ".example.com") == _name("SSESS", ".example.com")
    assert cookie_name("HTTPS://d.example.com", None) == _name("SSESS", "d.example.com")
    assert cookie_name("http://example.com/drupal", None) == _name("SESS", "example.com/drupal")
    assert cookie_name("http://127.0.0.1:8001", None) == _name("SESS", "127.0.0.1:8001")
    assert cookie_name("http://x", "") == _name("SESS", "")  # isset(''): an empty setting still counts


def test_php_cookies_first_wins_and_urldecodes() -> None:
    assert php_cookies("a=1; a=2; b=x%20y+z; =v; c; d=") == {"a": "1", "b": "x y z", "d": ""}
    assert php_cookies("") == {}


def test_drupal_session() -> None:
    name = _name("SESS", ".example.com")
    found = drupal_session({name: "abc"}, "http://drupal.example.com", ".example.com")
    assert found is not None and (found.name, found.sid) == (name, "abc")
    assert drupal_session({name: "abc"}, "https://drupal.example.com", ".example.com") is None


@pytest.mark.parametrize(
    ("cookie_base", "host_uri", "cookiedomain"),
    [
        (".intranet.example.com/example", "http://intranet.example.com/example", ".intranet.example.com/example"),
        (".example.com", "http://example.com", ".example.com"),
        (
            "moodle.intranet.example.com/example/drupal",
            "http://moodle.intranet.example.com/example/drupal",
            "moodle.intranet.example.com/example/drupal",
        ),
    ],
)
def test_detection_order(cookie_base: str, host_uri: str, cookiedomain: str) -> None:
    start = "http://moodle.intranet.example.com/example/drupal/drupalsso"
    cookies = {_name("SESS", cookie_base): "sid"}
    found = detect(cookies, start)
    assert found is not None
    assert (found[0], found[1], found[2].sid) == (host_uri, cookiedomain, "sid")


def test_detection_gives_up() -> None:
    assert detect({"SESSx": "1"}, "http://a.b.c.example.com/p/q") is None
    assert detect({}, "http://localhost") is None


def test_d7_values() -> None:
    account = {
        "mail": "a@example.com",
        "field_a": {"und": [{"value": "Ana", "format": None}]},
        "field_b": {"und": {"item": {"value": "Item"}}},
        "field_c": {"x": "first", "y": "second"},
        "field_empty": [],
        "field_list": ["x"],
        "field_num": 7,
        "field_true": True,
        "field_nested": {"x": {"y": 1}},
    }
    assert d7_value(account, "mail") == "a@example.com"
    assert d7_value(account, "field_a") == "Ana"
    assert d7_value(account, "field_b") == "Item"
    assert d7_value(account, "field_c") == "first"
    assert d7_value(account, "field_empty") == ""
    assert d7_value(account, "field_list") == ""
    assert d7_value(account, "field_num") == "7"
    assert d7_value(account, "field_true") == "1"
    assert d7_value(account, "field_nested") == "Array"
    assert d7_value(account, "missing") == ""


def test_d8_extract() -> None:
    entity = {
        "uid": [{"value": 3}],
        "name": [{"value": "bob"}],
        "status": [{"value": False}],
        "roles": [{"target_id": "authenticated"}],
        "tags": [{"value": "a"}, {"value": "b"}],
        "created": [{"value": "2024-01-31T10:00:00+00:00", "format": "Y-m-d\\TH:i:sP"}],
        "bad_date": [{"value": "yesterday", "format": "x"}],
        "empty": [],
        "weird": "text",
    }
    assert d8_extract(entity) == {
        "uid": 3,
        "name": "bob",
        "tags": "a,b",
        "created": 1706695200,
        "bad_date": False,
        "empty": "",
    }
    assert d8_extract(None) == {}
    assert d8_extract([1]) == {}


@pytest.mark.parametrize(
    ("uid", "below"),
    [("0", True), ("", True), ("1", False), ("1001", False), ("0.5", True), ("-3", True), ("abc", False), (" ", True)],
)
def test_uid_below_one_like_php8(uid: str, below: bool) -> None:
    assert uid_below_one(uid) is below


def test_php_str() -> None:
    values: tuple[object, ...] = (None, False, True, 0, 1.0, 1.5, "x", [1], {})
    assert [php_str(v) for v in values] == [
        "",
        "",
        "1",
        "0",
        "1",
        "1.5",
        "x",
        "Array",
        "Array",
    ]
