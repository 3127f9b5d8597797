"""``redirect()`` absolutization and ``get_exception_info`` (auth-userkey.md §5, §10; pages/http.py)."""

from __future__ import annotations

import pytest

from mockserver.moodle.pages.http import absolutize

WWWROOT = "http://www.example.com/moodle"
LOGOUT_SCRIPT = "/moodle/auth/userkey/logout.php"


@pytest.mark.parametrize(
    ("url", "absolute"),
    [
        # auth-userkey.md §10.
        ("", "http://www.example.com/moodle/auth/userkey/"),
        ("/redirection", "http://www.example.com/redirection"),
        ("www.google.com", "http://www.example.com/moodle/auth/userkey/www.google.com"),
        ("/course/view.php?id=3", "http://www.example.com/course/view.php?id=3"),
        # auth-userkey.md §5.
        ("course/view.php", "http://www.example.com/moodle/auth/userkey/course/view.php"),
        # Absolute URLs (any scheme) are kept.
        ("http://other.example.org/x", "http://other.example.org/x"),
        ("HTTPS://X.ORG", "HTTPS://X.ORG"),
        ("ftp://x.org/a", "ftp://x.org/a"),
        ("mailto:a@b.c", "mailto:a@b.c"),
        # '..' segments collapse.
        ("../index.php", "http://www.example.com/moodle/auth/index.php"),
        ("../../my/", "http://www.example.com/moodle/my/"),
        ("a/../b", "http://www.example.com/moodle/auth/userkey/b"),
        # Control characters are removed and '"' becomes %22 (after absolutization).
        ('http://x.org/a"b', "http://x.org/a%22b"),
        ("http://x.org/\r\nSet-Cookie: x", "http://x.org/Set-Cookie: x"),
        ("\x01/y", "http://www.example.com/moodle/auth/userkey//y"),  # stripped after joining
        ("http://x.org/\x7f", "http://x.org/"),
    ],
)
def test_redirect_absolutization(url: str, absolute: str) -> None:
    assert absolutize(url, WWWROOT, LOGOUT_SCRIPT) == absolute


@pytest.mark.parametrize(
    ("wwwroot", "script", "url", "absolute"),
    [
        ("http://h", "/auth/userkey/login.php", "", "http://h/auth/userkey/"),
        ("http://h", "/auth/userkey/login.php", "/x", "http://h/x"),
        ("http://h:8080/m", "/m/login/logout.php", "index.php", "http://h:8080/m/login/index.php"),
        ("https://h/a/b", "/a/b/auth/userkey/login.php?key=1", "x", "https://h/a/b/auth/userkey/x"),
        ("https://h/a/b", "/a/b/auth/userkey/login.php", "/x", "https://h/x"),
    ],
)
def test_redirect_absolutization_other_sites(wwwroot: str, script: str, url: str, absolute: str) -> None:
    assert absolutize(url, wwwroot, script) == absolute
