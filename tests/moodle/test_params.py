"""``clean_param`` tables: auth-userkey.md §2.3 and §10, moodle-webservice.md §5.2."""

from __future__ import annotations

import time

import pytest

from mockserver.moodle.params import (
    ParamCleaner,
    clean_bool,
    clean_host,
    clean_localurl,
    clean_url,
    clean_username,
    php_empty,
    php_intval,
    strip_tags,
    validate_email,
    validate_url_syntax,
)

WWWROOT = "http://www.example.com/moodle"

# auth-userkey.md §10, wwwroot http://www.example.com/moodle: (input, PARAM_URL kept?, PARAM_LOCALURL kept?)
URL_TABLE = [
    ("http://google.com", True, False),
    ("https://google.com/x?a=1&b=2", True, False),
    ("/course/view.php?id=3", True, True),
    ("course/view.php?id=3", True, True),
    ("www.google.com", True, True),
    ("javascript:alert(1)", False, False),
    ("//evil.com/x", False, False),
    ("http://www.example.com/moodle", True, True),
    ("http://www.example.com/moodle/course/view.php?id=3", True, True),
    ("http://www.example.com/moodlex", True, False),
    ("ftp://x.org/a", True, False),
    ("mailto:a@b.c", False, False),
    ("data:text/html;base64,PHNjcmlwdD4=", False, False),
    ("php://google.com", False, False),
    ("random string", False, False),
    ("http://exa mple.com", False, False),
    ("http://user:pw@x.com/", False, False),
    ("http://localhost/x", True, False),
    ("http://0.255.1.1/numericip.php", True, False),
    ("HTTP://GOOGLE.COM", True, False),
]


@pytest.mark.parametrize(("value", "url_kept", "localurl_kept"), URL_TABLE)
def test_param_url_and_localurl_table(value: str, url_kept: bool, localurl_kept: bool) -> None:
    assert clean_url(value) == (value if url_kept else "")
    assert clean_localurl(value, WWWROOT) == (value if localurl_kept else "")


@pytest.mark.parametrize(
    ("value", "kept"),
    [
        ("http://www.example.com:8080/a/b.php?x=1#frag", True),
        ("https://a.b.c.example.org/", True),
        ("http://192.168.0.1/", True),
        ("http://999.1.1.1/", False),  # not an IP, and a top-level label must start with a letter
        ("http://example.com./", False),  # no trailing dot
        ("http://example.com:65536/", False),  # ports up to 65535
        ("/a//b", False),  # empty path segments
        ("/a;;b", False),
        ("/a;b/c", True),
        ("?a=1", True),
        ("#top", True),
        ("0", False),  # empty() in PHP
        ("", False),
        ("http://example.com/\u00e9", False),  # bytes outside the URL alphabet
        ("http://example.com/%c3%a9", True),
        ("rtmp://media.example.com/x", False),  # rtmp is not among PARAM_URL's schemes
        ("https://example.com/a b", False),
    ],
)
def test_param_url_syntax_details(value: str, kept: bool) -> None:
    assert clean_url(value) == (value if kept else "")


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("?a=1", "?a=1"),  # '/?a=1' is a valid path
        ("/", "/"),
        ("http://WWW.EXAMPLE.COM/moodle/x", "http://WWW.EXAMPLE.COM/moodle/x"),  # case-insensitive prefix
        ("http://www.example.com/moodle?x", ""),  # neither exact wwwroot nor under wwwroot/
        ("javascript:x", ""),
    ],
)
def test_param_localurl_details(value: str, expected: str) -> None:
    assert clean_localurl(value, WWWROOT) == expected


def test_url_syntax_never_backtracks_forever() -> None:
    started = time.monotonic()
    for value in ("/" + "a" * 20000 + "<", "http://" + "a." * 5000 + "<", "/a/" * 5000 + "<"):
        assert clean_url(value) == ""
    assert time.monotonic() - started < 2


def test_validate_url_syntax_other_options() -> None:
    # 's+' requires a scheme; 'H+' requires http:// exactly.
    assert validate_url_syntax("http://x.org/", "s+H+")
    assert not validate_url_syntax("https://x.org/", "s+H+")
    assert not validate_url_syntax("x.org/", "s+")


# auth-userkey.md §2.3: PARAM_EMAIL keeps a value only if FILTER_VALIDATE_EMAIL accepts it.
@pytest.mark.parametrize(
    ("value", "valid"),
    [
        ("a@b.com", True),
        ("ana.perez@example.com", True),
        ("A.B@EXAMPLE.CL", True),
        ("first+tag@example.co.uk", True),
        ("a@b.c", True),
        ("user@localhost", False),
        ("a@b", False),
        (" a@b.com", False),
        ("a@b.com ", False),
        ("ñandú@example.com", False),
        ("a@b.123", False),  # the top-level label starts with a letter
        ("a@[192.168.1.1]", True),
        ("a..b@example.com", False),
        ("<a@b.com>", False),
        ('"quoted"@example.com', True),
        ('"with space"@example.com', False),
        ("a@-b.com", False),
        ("x" * 64 + "@example.com", True),
        ("x" * 65 + "@example.com", False),
        ("a@" + "b" * 63 + ".com", True),
        ("a@" + "b" * 64 + ".com", False),
        ("", False),
        ("a@b.com\n", False),
    ],
)
def test_validate_email(value: str, valid: bool) -> None:
    assert validate_email(value) is valid


def test_validate_email_hostile_input_is_fast() -> None:
    started = time.monotonic()
    assert not validate_email("a@" + "a." * 150 + "-")
    assert not validate_email('"a"' * 100 + "@x.com")
    assert time.monotonic() - started < 2


# auth-userkey.md §2.3 PARAM_HOST (PHP 8: the whole quad is compared with 255 as a string).
@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("192.168.1.1", "192.168.1.1"),
        ("example.com", "example.com"),
        ("", ""),
        ("::1", "1"),
        ("2001:db8::1", "2001db81"),
        ("192.168.1.0/24", "192.168.1.024"),
        (" 192.168.1.1", "192.168.1.1"),
        ("300.1.1.1", ""),
        ("10.0.0.256", ""),
        ("1.300.1.1", "1.300.1.1"),  # the second octet is not checked by core
        ("8.8.8.8", ""),  # '8.8.8.8' > '255' as strings
        ("26.1.2.3", ""),
        ("203.0.113.5", "203.0.113.5"),
        ("-host.example", ""),
        ("host.example.", ""),
        ("my_host-1.example", "my_host-1.example"),
    ],
)
def test_clean_host(value: str, expected: str) -> None:
    assert clean_host(value) == expected


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("JDoe", "jdoe"),
        ("  jdoe  ", "jdoe"),
        ("j doe", "jdoe"),
        ("jdoe+x", "jdoex"),
        ("josé", "jos"),
        ("a.b-c_d@e", "a.b-c_d@e"),
    ],
)
def test_clean_username(value: str, expected: str) -> None:
    assert clean_username(value) == expected


def test_clean_username_extended_chars() -> None:
    assert clean_username(" José Pérez ", extended_chars=True) == "josé pérez"


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("12", 12),
        ("-3", -3),
        ("012", 12),
        ("+5", 5),
        (" 12", 12),
        ("1.9", 1),
        ("12abc", 12),
        ("1e3", 1000),
        ("abc", 0),
        ("", 0),
        ("99999999999999999999", 2**63 - 1),
        ("-99999999999999999999", -(2**63)),
    ],
)
def test_php_intval(value: str, expected: int) -> None:
    assert php_intval(value) == expected


@pytest.mark.parametrize(
    ("value", "expected"),
    [("1", 1), ("0", 0), ("yes", 1), ("ON", 1), ("true", 1), ("no", 0), ("off", 0), ("False", 0), ("", 0), ("x", 1)],
)
def test_clean_bool(value: str, expected: int) -> None:
    assert clean_bool(value) == expected


@pytest.mark.parametrize(
    ("value", "empty"), [(None, True), ("", True), ("0", True), (0, True), ({}, True), ("a", False)]
)
def test_php_empty(value: object, empty: bool) -> None:
    assert php_empty(value) is empty


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("plain", "plain"),
        ("<b>bold</b>", "bold"),
        ("a < b", "a < b"),
        ("a<b", "a"),
        ("a<3 b", "a"),
        ("a > b", "a > b"),
        ('<a href=">">x</a>', "x"),
        ("<!-- c -->after", "after"),
        ("x<?php echo 1; ?>y", "xy"),
        ("nul\0byte", "nulbyte"),
        ("<script>alert(1)</script>", "alert(1)"),
    ],
)
def test_strip_tags(value: str, expected: str) -> None:
    assert strip_tags(value) == expected


CLEANER = ParamCleaner(wwwroot=WWWROOT, languages=("en", "es"), auth_plugins=("manual", "userkey"))


@pytest.mark.parametrize(
    ("value", "param_type", "expected"),
    [
        ("es", "lang", "es"),
        ("e s", "lang", "es"),  # PARAM_SAFEDIR first
        ("ES", "lang", ""),  # pack names are lower case
        ("fr", "lang", ""),
        ("es_mx", "lang", ""),
        ("userkey", "auth", "userkey"),
        ("ldap", "auth", ""),
        ("gregorian", "plugin", "gregorian"),
        ("Bad", "plugin", ""),
        ("boost", "theme", "boost"),
        ("abc-_1!", "alphanumext", "abc-_1"),
        ("Incorrect Key!", "alphanum", "IncorrectKey"),
        ("ab12", "alpha", "ab"),
        ("1,2;3", "sequence", "1,23"),
        ("  x  ", "raw_trimmed", "x"),
        ("x<b>y</b>", "notags", "xy"),
        ("bad\udcffbyte", "raw", "badbyte"),
        ("America/Santiago", "timezone", "America/Santiago"),
        ("-4", "timezone", "-4"),
        ("99", "timezone", "99"),
    ],
)
def test_param_cleaner(value: str, param_type: str, expected: object) -> None:
    assert CLEANER.clean(value, param_type) == expected
