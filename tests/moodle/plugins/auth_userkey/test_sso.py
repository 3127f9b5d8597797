"""Core pages with auth_userkey's hooks: ssourl and enrolkey_skipsso (auth-userkey.md §6.3), require_login."""

from __future__ import annotations

import pytest

from tests.moodle import util as u
from tests.moodle.conftest import RestFactory

SSO = "https://sso.example.cl/login?from=moodle"


def test_login_page_goes_to_the_sso_host_exactly_as_configured(rest: RestFactory) -> None:
    h = rest(auth_userkey={"ssourl": SSO})
    response = h.client.get("/login/index.php")
    u.assert_redirect(response, SSO)


def test_login_form_post_is_redirected_too(rest: RestFactory) -> None:
    h = rest(auth_userkey={"ssourl": SSO})
    response = h.client.post("/login/index.php", data={"username": "carla", "password": "Carla1234!"})
    u.assert_redirect(response, SSO)
    assert u.whoami(h) is None


@pytest.mark.parametrize("skip", ["1", "yes", "on", "true", "TRUE", "x"])
def test_skipsso_shows_the_login_page_and_is_remembered(rest: RestFactory, skip: str) -> None:
    h = rest(auth_userkey={"ssourl": SSO})
    page = h.client.get("/login/index.php", params={"enrolkey_skipsso": skip})
    assert page.status_code == 200
    assert '<form action="' + h.base_url + '/login/index.php" method="post" id="login">' in page.text
    # The following form POST (no parameter) is not redirected: the skip is in the session.
    response = h.client.post("/login/index.php", data={"username": "carla", "password": "Carla1234!"})
    u.assert_redirect(response, f"{h.base_url}/my/")
    assert u.whoami(h) == "Carla Muñoz"


@pytest.mark.parametrize("skip", ["0", "no", "off", "false", ""])
def test_skipsso_false_values_still_redirect(rest: RestFactory, skip: str) -> None:
    h = rest(auth_userkey={"ssourl": SSO})
    u.assert_redirect(h.client.get("/login/index.php", params={"enrolkey_skipsso": skip}), SSO)


def test_deep_links_always_bounce_unless_that_request_skips(rest: RestFactory) -> None:
    h = rest(auth_userkey={"ssourl": SSO})
    u.assert_redirect(h.client.get("/my/"), SSO)
    assert h.client.get("/login/index.php", params={"enrolkey_skipsso": "1"}).status_code == 200
    # Remembered in the session, but require_login's hook clears it before deciding.
    u.assert_redirect(h.client.get("/my/"), SSO)
    u.assert_redirect(
        h.client.get("/course/view.php", params={"id": "10", "enrolkey_skipsso": "1"}), f"{h.base_url}/login/index.php"
    )


def test_wantsurl_survives_the_login_form(rest: RestFactory) -> None:
    h = rest(auth_userkey={"ssourl": SSO})
    u.assert_redirect(
        h.client.get("/course/view.php", params={"id": "10", "enrolkey_skipsso": "1"}), f"{h.base_url}/login/index.php"
    )
    # The login page itself now honours the skip remembered by require_login.
    assert h.client.get("/login/index.php").status_code == 200
    response = h.client.post("/login/index.php", data={"username": "carla", "password": "Carla1234!"})
    # qualified_me() keeps the whole query string.
    u.assert_redirect(response, f"{h.base_url}/course/view.php?id=10&enrolkey_skipsso=1")


def test_logged_in_users_are_sent_to_sso_by_the_login_page(rest: RestFactory) -> None:
    h = rest(auth_userkey={"ssourl": SSO})
    key = h.rest("auth_userkey_request_login_url", token=u.WSUSER, **{"user[username]": "carla"}).json()["loginurl"]
    u.assert_redirect(h.client.get(key), h.base_url)
    u.assert_redirect(h.client.get("/login/index.php"), SSO)
    assert h.client.get("/my/").status_code == 200


def test_relative_ssourl_is_absolutized(rest: RestFactory) -> None:
    h = rest(auth_userkey={"ssourl": "/sso/start"})
    u.assert_redirect(h.client.get("/login/index.php"), f"{h.base_url}/sso/start")


@pytest.mark.parametrize(
    "overrides",
    [{"auth_userkey": {"ssourl": ""}}, {"auth_userkey": {"ssourl": SSO}, "moodle": {"auth": ["manual"]}}],
)
def test_no_sso_without_ssourl_or_plugin(rest: RestFactory, overrides: dict[str, dict[str, object]]) -> None:
    h = rest(**overrides)
    assert h.client.get("/login/index.php").status_code == 200
    u.assert_redirect(h.client.get("/my/"), f"{h.base_url}/login/index.php")


def test_course_page_after_key_login_with_deep_link(rest: RestFactory) -> None:
    h = rest()
    url = h.rest("auth_userkey_request_login_url", token=u.WSUSER, **{"user[username]": "profesora"}).json()["loginurl"]
    course = f"{h.base_url}/course/view.php?id=10"
    u.assert_redirect(h.client.get(f"{url}&wantsurl={course}"), course)
    page = h.client.get("/course/view.php?id=10")
    assert page.status_code == 200
    assert '<span class="usertext" id="usertext">Paula Profesora</span>' in page.text
    assert '<h1 class="coursename">Curso sin SENCE</h1>' in page.text


def test_course_page_errors(rest: RestFactory) -> None:
    h = rest()
    u.assert_error_page(
        h.client.get("/course/view.php"), "You must specify course id to use this page", link=f"{h.base_url}/"
    )
    u.assert_error_page(
        h.client.get("/course/view.php?id=999"),
        "Can't find data record in database table course.",
        link=f"{h.base_url}/",
        docs="moodle/invalidrecord",
    )


def test_wantsurl_keeps_the_path_of_wwwroot(rest_inprocess: RestFactory) -> None:
    h = rest_inprocess(moodle={"wwwroot": "http://www.example.com/moodle"})
    u.assert_redirect(h.client.get("/course/view.php?id=10"), "http://www.example.com/moodle/login/index.php")
    assert [s.wantsurl for s in h.tenant.store.sessions_of_user(0)] == [
        "http://www.example.com/moodle/course/view.php?id=10"
    ]
