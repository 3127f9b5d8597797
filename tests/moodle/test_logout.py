"""``/auth/userkey/logout.php`` and ``/login/logout.php`` with ``redirecturl`` (auth-userkey.md §6.1-§6.2, §10)."""

from __future__ import annotations

import pytest

from tests.harness import Harness
from tests.moodle import util as u
from tests.moodle.conftest import RestFactory

LOGOUT_PHP = "/auth/userkey/logout.php"


def key_login(h: Harness, username: str = "carla") -> None:
    response = h.rest("auth_userkey_request_login_url", token=u.WSUSER, **{"user[username]": username})
    u.assert_redirect(h.client.get(response.json()["loginurl"]), h.base_url)


def sesskey(h: Harness, userid: int) -> str:
    sessions = h.tenant.store.sessions_of_user(userid)
    assert len(sessions) == 1
    return sessions[0].sesskey


# --- /auth/userkey/logout.php ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("target", "location"),
    [
        ("/redirection", "{host}/redirection"),
        ("{www}/course/view.php?id=10", "{www}/course/view.php?id=10"),
        ("{www}", "{www}"),
        ("https://google.com", "{www}/auth/userkey/"),  # blanked by PARAM_LOCALURL
        ("www.google.com", "{www}/auth/userkey/www.google.com"),
        ("javascript:alert(1)", "{www}/auth/userkey/"),
        ("", "{www}/auth/userkey/"),
    ],
)
def test_logout_php_when_not_logged_in(rest: RestFactory, target: str, location: str) -> None:
    h = rest()
    www = h.base_url
    response = h.client.get(LOGOUT_PHP, params={"return": target.format(www=www)})
    u.assert_redirect(response, location.format(host=www, www=www))


def test_logout_php_reference_examples_with_a_moodle_path(rest: RestFactory) -> None:
    # auth-userkey.md §10: wwwroot http://www.example.com/moodle, script /moodle/auth/userkey/logout.php.
    h = rest(moodle={"wwwroot": "http://www.example.com/moodle"})
    for target, location in [
        ("", "http://www.example.com/moodle/auth/userkey/"),
        ("/redirection", "http://www.example.com/redirection"),
        ("www.google.com", "http://www.example.com/moodle/auth/userkey/www.google.com"),
        ("/course/view.php?id=3", "http://www.example.com/course/view.php?id=3"),
        ("http://www.example.com/moodle/my/", "http://www.example.com/moodle/my/"),
        ("http://www.example.com/moodlex", "http://www.example.com/moodle/auth/userkey/"),
    ]:
        u.assert_redirect(h.client.get(LOGOUT_PHP, params={"return": target}), location)


def test_logout_php_with_legacy_param_url(rest: RestFactory) -> None:
    h = rest(auth_userkey={"logout_return_param": "url"})
    u.assert_redirect(h.client.get(LOGOUT_PHP, params={"return": "https://google.com"}), "https://google.com")


def test_logout_php_logs_out_userkey_users(rest: RestFactory) -> None:
    h = rest()
    key_login(h, "userkeyuser")
    assert u.whoami(h) == "Ulises Key"
    response = h.client.get(LOGOUT_PHP, params={"return": "/bye"})
    u.assert_redirect(response, f"{h.base_url}/bye")
    assert response.headers["set-cookie"].startswith("MoodleSession=")
    assert u.whoami(h) is None
    assert h.tenant.store.sessions_of_user(41) == []


@pytest.mark.parametrize("how", ["key", "form"])
def test_logout_php_refuses_other_auth_methods(rest: RestFactory, how: str) -> None:
    # The check is the user's auth field, not the session marker (issue #86).
    h = rest()
    if how == "key":
        key_login(h, "carla")
    else:
        u.login_form(h, "carla", "Carla1234!")
    response = h.client.get(LOGOUT_PHP, params={"return": "/bye"})
    u.assert_error_page(response, "Incorrect logout request", link=h.base_url, docs="auth_userkey/incorrectlogout")
    assert u.whoami(h) == "Carla Muñoz"


def test_logout_php_missing_return_is_checked_first(rest: RestFactory) -> None:
    h = rest()
    u.login_form(h, "carla", "Carla1234!")
    response = h.client.get(LOGOUT_PHP)
    u.assert_error_page(response, "A required parameter (return) was missing", link=f"{h.base_url}/")
    assert u.whoami(h) == "Carla Muñoz"


def test_logout_php_plugin_disabled(rest: RestFactory) -> None:
    h = rest(moodle={"auth": ["manual"]})
    response = h.client.get(LOGOUT_PHP, params={"return": "/bye"})
    u.assert_error_page(response, "error/The userkey authentication plugin is disabled.", link=f"{h.base_url}/")


def test_logout_php_post(rest: RestFactory) -> None:
    h = rest()
    response = h.client.post(f"{LOGOUT_PHP}?return=/get", data={"return": "/post"})
    u.assert_redirect(response, f"{h.base_url}/post")


# --- /login/logout.php and redirecturl ----------------------------------------------------------------


def test_redirecturl_after_key_login(rest: RestFactory) -> None:
    h = rest(auth_userkey={"redirecturl": "https://portal.example.cl/adios?x=1"})
    key_login(h)
    response = h.client.get("/login/logout.php", params={"sesskey": sesskey(h, 40)})
    u.assert_redirect(response, "https://portal.example.cl/adios?x=1")
    assert u.whoami(h) is None


def test_redirecturl_relative(rest: RestFactory) -> None:
    h = rest(auth_userkey={"redirecturl": "/goodbye.html"})
    key_login(h)
    response = h.client.get("/login/logout.php", params={"sesskey": sesskey(h, 40)})
    u.assert_redirect(response, f"{h.base_url}/goodbye.html")


def test_redirecturl_replaces_the_login_page_too(rest: RestFactory) -> None:
    h = rest(auth_userkey={"redirecturl": "https://portal.example.cl/"})
    key_login(h)
    response = h.client.get("/login/logout.php", params={"sesskey": sesskey(h, 40), "loginpage": "1"})
    u.assert_redirect(response, "https://portal.example.cl/")


def test_no_redirecturl_without_the_session_marker(rest: RestFactory) -> None:
    h = rest(auth_userkey={"redirecturl": "https://portal.example.cl/"})
    u.login_form(h, "carla", "Carla1234!")
    response = h.client.get("/login/logout.php", params={"sesskey": sesskey(h, 40)})
    u.assert_redirect(response, f"{h.base_url}/")


def test_no_marker_when_the_key_hit_an_existing_session(rest: RestFactory) -> None:
    h = rest(auth_userkey={"redirecturl": "https://portal.example.cl/"})
    u.login_form(h, "carla", "Carla1234!")
    key_login(h)  # same user: keys deleted, session untouched, no marker
    response = h.client.get("/login/logout.php", params={"sesskey": sesskey(h, 40)})
    u.assert_redirect(response, f"{h.base_url}/")


def test_empty_redirecturl_keeps_core_destinations(rest: RestFactory) -> None:
    h = rest()
    key_login(h)
    response = h.client.get("/login/logout.php", params={"sesskey": sesskey(h, 40), "loginpage": "1"})
    u.assert_redirect(response, f"{h.base_url}/login/index.php")


def test_logout_needs_the_sesskey(rest: RestFactory) -> None:
    h = rest(auth_userkey={"redirecturl": "https://portal.example.cl/"})
    key_login(h)
    confirm = h.client.get("/login/logout.php")
    assert confirm.status_code == 200
    assert f'href="{h.base_url}/login/logout.php?sesskey={sesskey(h, 40)}"' in confirm.text
    wrong = h.client.get("/login/logout.php", params={"sesskey": "wrong"})
    assert wrong.status_code == 200
    assert u.whoami(h) == "Carla Muñoz"


def test_logout_when_already_logged_out(rest: RestFactory) -> None:
    h = rest(auth_userkey={"redirecturl": "https://portal.example.cl/"})
    u.assert_redirect(h.client.get("/login/logout.php"), f"{h.base_url}/")


def test_hooks_do_not_run_when_the_plugin_is_disabled(rest: RestFactory) -> None:
    h = rest(moodle={"auth": ["manual"]}, auth_userkey={"redirecturl": "https://portal.example.cl/"})
    u.login_form(h, "carla", "Carla1234!")
    sessions = h.tenant.store.sessions_of_user(40)
    sessions[0].data["auth_userkey"] = {"userkey": True}  # a marker left from when the plugin was enabled
    response = h.client.get("/login/logout.php", params={"sesskey": sessions[0].sesskey})
    u.assert_redirect(response, f"{h.base_url}/")
