"""``/auth/userkey/login.php`` (auth-userkey.md §5, §7.2)."""

from __future__ import annotations

import pytest

from mockserver.world.entities import UserKey
from tests.harness import Harness
from tests.moodle import util as u
from tests.moodle.conftest import RestFactory

LOGIN = "auth_userkey_request_login_url"
LOGIN_PHP = "/auth/userkey/login.php"


def new_key(h: Harness, username: str = "carla", **user: str) -> str:
    fields = {"user[username]": username, **{f"user[{k}]": v for k, v in user.items()}}
    response = h.rest(LOGIN, token=u.WSUSER, **fields)
    url: str = response.json()["loginurl"]
    return url.rsplit("=", 1)[1]


def keys_of(h: Harness, userid: int) -> list[str]:
    return [k.value for k in h.tenant.store.user_keys() if k.userid == userid]


def test_success_logs_in_and_redirects_to_wwwroot(rest: RestFactory) -> None:
    h = rest()
    key = new_key(h)
    response = h.client.get(f"{LOGIN_PHP}?key={key}")
    u.assert_redirect(response, h.base_url)
    assert response.headers["set-cookie"].startswith("MoodleSession=")
    assert keys_of(h, 40) == []
    assert u.whoami(h) == "Carla Muñoz"
    user = h.tenant.store.user(40)
    assert user is not None and (user.currentlogin, user.lastip) == (u.NOW, "127.0.0.1")
    course = h.client.get("/course/view.php?id=10")
    assert course.status_code == 200
    assert '<h1 class="coursename">Curso sin SENCE</h1>' in course.text


def test_key_is_one_time(rest: RestFactory) -> None:
    h = rest()
    key = new_key(h)
    u.assert_redirect(h.client.get(f"{LOGIN_PHP}?key={key}"), h.base_url)
    again = h.client.get(f"{LOGIN_PHP}?key={key}")
    # The browser was logged in: it is logged out before the error shows.
    u.assert_error_page(again, "Incorrect key", link=f"{h.base_url}/", docs="moodle/invalidkey")
    assert u.whoami(h) is None


@pytest.mark.parametrize(
    ("wantsurl", "location"),
    [
        ("{base}/course/view.php?id=10", "{base}/course/view.php?id=10"),
        ("https://example.org/landing?a=1&b=2", "https://example.org/landing?a=1&b=2"),  # external: open redirect
        ("/course/view.php?id=10", "{base}/course/view.php?id=10"),
        ("course/view.php?id=10", "{base}/auth/userkey/course/view.php?id=10"),
        ("my/", "{base}/auth/userkey/my/"),
        ("www.example.org", "{base}/auth/userkey/www.example.org"),
        ("ftp://files.example.org/a", "ftp://files.example.org/a"),
        ("HTTP://EXAMPLE.ORG", "HTTP://EXAMPLE.ORG"),
        ("javascript:alert(1)", "{base}"),
        ("//evil.example/x", "{base}"),
        ("mailto:a@b.c", "{base}"),
        ("http://user:pw@example.org/", "{base}"),
        ("not a url", "{base}"),
        ("", "{base}"),
        ("0", "{base}"),
    ],
)
def test_wantsurl(rest: RestFactory, wantsurl: str, location: str) -> None:
    h = rest()
    key = new_key(h)
    response = h.client.get(LOGIN_PHP, params={"key": key, "wantsurl": wantsurl.format(base=h.base_url)})
    u.assert_redirect(response, location.format(base=h.base_url))


def test_wantsurl_absolutized_against_the_host_of_a_wwwroot_with_a_path(rest: RestFactory) -> None:
    # wwwroot http://www.example.com/moodle: '/x' loses '/moodle', 'x' is under the script's directory.
    h = rest(moodle={"wwwroot": "http://www.example.com/moodle"})
    for wantsurl, location in [
        ("/course/view.php?id=3", "http://www.example.com/course/view.php?id=3"),
        ("course/view.php", "http://www.example.com/moodle/auth/userkey/course/view.php"),
        ("", "http://www.example.com/moodle"),
    ]:
        response = h.client.get(LOGIN_PHP, params={"key": new_key(h), "wantsurl": wantsurl})
        u.assert_redirect(response, location)


def test_post_wins_over_get(rest: RestFactory) -> None:
    h = rest()
    key = new_key(h)
    response = h.client.post(
        f"{LOGIN_PHP}?key=wrong&wantsurl=/my/",
        data={"key": key, "wantsurl": f"{h.base_url}/course/view.php?id=10"},
    )
    u.assert_redirect(response, f"{h.base_url}/course/view.php?id=10")


def test_key_is_cleaned_as_alphanum(rest: RestFactory) -> None:
    h = rest()
    key = new_key(h)
    noisy = f" {key[:8]}-{key[8:16]}_{key[16:]}!"
    u.assert_redirect(h.client.get(LOGIN_PHP, params={"key": noisy}), h.base_url)


@pytest.mark.parametrize(
    ("query", "message", "docs"),
    [
        ("", "A required parameter (key) was missing", "moodle/missingparam"),
        ("?wantsurl=/my/", "A required parameter (key) was missing", "moodle/missingparam"),
        ("?key=", "Incorrect key", "moodle/invalidkey"),
        ("?key=Incorrect%20Key", "Incorrect key", "moodle/invalidkey"),
        ("?key=" + "0" * 32, "Incorrect key", "moodle/invalidkey"),
        ("?key[]=abc", "Incorrect key", "moodle/invalidkey"),
        (
            "?key[a][b]=abc",
            "Coding error detected, it must be fixed by a programmer: clean_param() can not process arrays, "
            "please use clean_param_array() instead.",
            "debug/codingerror",
        ),
    ],
)
def test_bad_key_requests(rest: RestFactory, query: str, message: str, docs: str) -> None:
    h = rest()
    new_key(h)
    response = h.client.get(LOGIN_PHP + query)
    u.assert_error_page(response, message, link=f"{h.base_url}/", docs=docs)
    assert len(keys_of(h, 40)) == 1


def test_key_is_case_sensitive(rest: RestFactory) -> None:
    h = rest()
    key = new_key(h)
    u.assert_error_page(h.client.get(f"{LOGIN_PHP}?key={key.upper()}"), "Incorrect key", link=f"{h.base_url}/")


def test_plugin_disabled(rest: RestFactory) -> None:
    h = rest(moodle={"auth": ["manual"]})
    key = "e" * 32
    h.tenant.store.replace_user_keys(UserKey(key, 40, u.NOW + 60, None, u.NOW))  # issued before disabling
    response = h.client.get(f"{LOGIN_PHP}?key={key}")
    u.assert_error_page(
        response,
        "error/The userkey authentication plugin is disabled.",
        link=f"{h.base_url}/",
        docs="moodle/The userkey authentication plugin is disabled.",
    )
    assert keys_of(h, 40) == [key]


def test_expiry_uses_the_server_clock(rest: RestFactory) -> None:
    h = rest()
    key = new_key(h)
    h.tenant.clock.advance(61)
    u.assert_error_page(
        h.client.get(f"{LOGIN_PHP}?key={key}"), "Expired key", link=f"{h.base_url}/", docs="moodle/expiredkey"
    )
    assert keys_of(h, 40) == [key]  # kept on failure
    h.tenant.clock.set(u.NOW + 60)  # validuntil itself is still valid ('<' in core)
    u.assert_redirect(h.client.get(f"{LOGIN_PHP}?key={key}"), h.base_url)


def test_expiry_with_configured_lifetime(rest: RestFactory) -> None:
    h = rest(auth_userkey={"keylifetime": 3600})
    key = new_key(h)
    h.tenant.clock.advance(3600)
    h.tenant.clock.advance(1)
    u.assert_error_page(h.client.get(f"{LOGIN_PHP}?key={key}"), "Expired key", link=f"{h.base_url}/")


def test_v1_key_consumed_on_any_attempt(rest: RestFactory) -> None:
    h = rest(auth_userkey={"key_consumed_on_any_attempt": True})
    key = new_key(h)
    h.tenant.clock.advance(61)
    u.assert_error_page(h.client.get(f"{LOGIN_PHP}?key={key}"), "Expired key", link=f"{h.base_url}/")
    assert keys_of(h, 40) == []
    u.assert_error_page(h.client.get(f"{LOGIN_PHP}?key={key}"), "Incorrect key", link=f"{h.base_url}/")


def ip_world(rest: RestFactory, whitelist: str = "", debug: str = "none") -> Harness:
    return rest(
        moodle={"client_ip_header": "Client-IP", "debug": debug},
        auth_userkey={"mappingfield": "username", "iprestriction": True, "ipwhitelist": whitelist},
    )


def test_ip_mismatch(rest: RestFactory) -> None:
    h = ip_world(rest)
    key = new_key(h, ip="10.0.0.5")
    response = h.client.get(f"{LOGIN_PHP}?key={key}", headers={"Client-IP": "192.168.1.20"})
    u.assert_error_page(response, "Client IP address mismatch", link=f"{h.base_url}/", docs="moodle/ipmismatch")
    assert keys_of(h, 40) == [key]
    u.assert_redirect(h.client.get(f"{LOGIN_PHP}?key={key}", headers={"Client-IP": "10.0.0.5"}), h.base_url)


def test_ip_mismatch_debuginfo_only_for_developers(rest: RestFactory) -> None:
    normal = ip_world(rest, debug="normal")
    key = new_key(normal, ip="10.0.0.5")
    response = normal.client.get(f"{LOGIN_PHP}?key={key}", headers={"Client-IP": "192.168.1.20"})
    u.assert_error_page(response, "Client IP address mismatch", link=f"{normal.base_url}/")
    developer = ip_world(rest, debug="developer")
    key = new_key(developer, ip="10.0.0.5")
    response = developer.client.get(f"{LOGIN_PHP}?key={key}", headers={"Client-IP": "192.168.1.20"})
    # The page message never carries the developer suffix; the debuginfo ends with the error code.
    u.assert_error_page(
        response,
        "Client IP address mismatch",
        link=f"{developer.base_url}/",
        debuginfo="Remote address: 192.168.1.20\nKey IP: 10.0.0.5\nError code: ipmismatch",
    )


def test_key_bound_to_the_caller_ip_when_ip_is_empty(rest: RestFactory) -> None:
    h = ip_world(rest)
    key = new_key(h, ip="")  # bound to the web-service caller, 127.0.0.1
    u.assert_error_page(
        h.client.get(f"{LOGIN_PHP}?key={key}", headers={"Client-IP": "10.0.0.5"}),
        "Client IP address mismatch",
        link=f"{h.base_url}/",
    )
    u.assert_redirect(h.client.get(f"{LOGIN_PHP}?key={key}"), h.base_url)


def test_no_client_ip(rest: RestFactory) -> None:
    h = ip_world(rest)
    key = new_key(h, ip="10.0.0.5")
    response = h.client.get(f"{LOGIN_PHP}?key={key}", headers={"Client-IP": "unknown"})
    u.assert_error_page(
        response, "Unable to fetch IP address of client.", link=f"{h.base_url}/", docs="auth_userkey/noip"
    )
    assert keys_of(h, 40) == [key]


def test_no_ip_check_without_restriction_on_the_key(rest: RestFactory) -> None:
    h = rest(moodle={"client_ip_header": "Client-IP"})
    key = new_key(h)
    u.assert_redirect(h.client.get(f"{LOGIN_PHP}?key={key}", headers={"Client-IP": "unknown"}), h.base_url)


@pytest.mark.parametrize(
    ("whitelist", "client", "allowed"),
    [
        ("192.168.1.20", "192.168.1.20", True),
        ("192.168.1.21", "192.168.1.20", False),
        ("192.168.0.0/16", "192.168.1.20", True),
        ("172.16.0.0/12", "192.168.1.20", False),
        ("192.168.1.10-30", "192.168.1.20", True),
        ("192.168.1.10-19", "192.168.1.20", False),
        ("192.168.", "192.168.1.20", True),
        ("192.168", "192.168.1.20", True),
        ("10.0.0.0/8;192.168.1.0/24", "192.168.1.20", True),
        ("10.0.0.0/8,192.168.1.0/24", "192.168.1.20", True),
        ("10.0.0.0/8; 192.168.1.20 ;", "192.168.1.20", True),
        ("10.0.0.0/8;172.16.0.0/12", "192.168.1.20", False),
        ("client.example.com", "192.168.1.20", False),
        ("", "192.168.1.20", False),
        ("2001:db8::/32", "2001:db8::7", True),
    ],
)
def test_ipwhitelist(rest: RestFactory, whitelist: str, client: str, allowed: bool) -> None:
    h = ip_world(rest, whitelist)
    key = new_key(h, ip="10.0.0.5")
    response = h.client.get(f"{LOGIN_PHP}?key={key}", headers={"Client-IP": client})
    if allowed:
        u.assert_redirect(response, h.base_url)
    else:
        u.assert_error_page(response, "Client IP address mismatch", link=f"{h.base_url}/")


def test_invalid_user_id(rest_inprocess: RestFactory) -> None:
    h = rest_inprocess()
    h.tenant.store.replace_user_keys(UserKey("f" * 32, 999, u.NOW + 60, None, u.NOW))
    response = h.client.get(f"{LOGIN_PHP}?key={'f' * 32}")
    u.assert_error_page(response, "Invalid user ID", link=f"{h.base_url}/", docs="moodle/invaliduserid")
    assert h.tenant.store.user_key("f" * 32) is not None


def test_validation_order_expired_before_ip_before_user(rest_inprocess: RestFactory) -> None:
    h = rest_inprocess(moodle={"client_ip_header": "Client-IP"})
    store = h.tenant.store
    store.replace_user_keys(UserKey("a" * 32, 998, u.NOW - 1, "10.0.0.1", u.NOW - 61))
    store.replace_user_keys(UserKey("b" * 32, 999, u.NOW + 60, "10.0.0.1", u.NOW))
    store.replace_user_keys(UserKey("c" * 32, 997, u.NOW + 60, "10.0.0.1", u.NOW))
    headers = {"Client-IP": "192.0.2.1"}
    u.assert_error_page(
        h.client.get(f"{LOGIN_PHP}?key={'a' * 32}", headers=headers), "Expired key", link=f"{h.base_url}/"
    )
    u.assert_error_page(
        h.client.get(f"{LOGIN_PHP}?key={'b' * 32}", headers=headers),
        "Client IP address mismatch",
        link=f"{h.base_url}/",
    )
    u.assert_error_page(
        h.client.get(f"{LOGIN_PHP}?key={'c' * 32}", headers={"Client-IP": "10.0.0.1"}),
        "Invalid user ID",
        link=f"{h.base_url}/",
    )


def test_deleted_user_key_does_not_log_in(rest: RestFactory) -> None:
    h = rest()
    key = new_key(h, "borrado")
    response = h.client.get(f"{LOGIN_PHP}?key={key}")
    assert response.status_code == 404
    assert '<p class="errormessage">Exception - core\\session\\manager::login_user(): ' in response.text
    assert keys_of(h, 45) == []
    assert u.whoami(h) is None


def test_suspended_user_logs_in(rest: RestFactory) -> None:
    h = rest()
    key = new_key(h, "susana")
    u.assert_redirect(h.client.get(f"{LOGIN_PHP}?key={key}"), h.base_url)
    assert u.whoami(h) == "Susana Suspendida"


# --- a browser that is already logged in (§5.4-§5.5) -----------------------------------------------


def test_same_user_already_logged_in_keeps_the_session(rest: RestFactory) -> None:
    h = rest()
    u.assert_redirect(u.login_form(h, "carla", "Carla1234!"), f"{h.base_url}/my/")
    cookie = u.session_cookie(h)
    key = new_key(h)
    response = h.client.get(LOGIN_PHP, params={"key": key, "wantsurl": "/course/view.php?id=10"})
    u.assert_redirect(response, f"{h.base_url}/course/view.php?id=10")
    assert "set-cookie" not in response.headers
    assert u.session_cookie(h) == cookie
    assert keys_of(h, 40) == []
    sessions = h.tenant.store.sessions_of_user(40)
    assert (
        len(sessions) == 1 and sessions[0].data.get("auth_userkey", {}).get("userkey", False) is False
    )  # no marker on this path


def test_other_user_logged_in_is_switched(rest: RestFactory) -> None:
    h = rest()
    u.login_form(h, "profesora", "Profe1234!")
    old = u.session_cookie(h)
    assert u.whoami(h) == "Paula Profesora"
    key = new_key(h)
    response = h.client.get(f"{LOGIN_PHP}?key={key}")
    u.assert_redirect(response, h.base_url)
    assert u.session_cookie(h) != old
    assert u.whoami(h) == "Carla Muñoz"
    assert h.tenant.store.sessions_of_user(47) == []


@pytest.mark.parametrize("failure", ["unknown", "expired"])
def test_failure_while_logged_in_logs_out_first(rest: RestFactory, failure: str) -> None:
    h = rest()
    u.login_form(h, "profesora", "Profe1234!")
    key = new_key(h)
    if failure == "expired":
        h.tenant.clock.advance(120)
    else:
        key = "0" * 32
    response = h.client.get(f"{LOGIN_PHP}?key={key}")
    message = "Expired key" if failure == "expired" else "Incorrect key"
    u.assert_error_page(response, message, link=f"{h.base_url}/")
    assert response.headers["set-cookie"].startswith("MoodleSession=")
    assert u.whoami(h) is None
    assert h.tenant.store.sessions_of_user(47) == []


def test_errors_before_validation_do_not_log_out(rest: RestFactory) -> None:
    h = rest()
    u.login_form(h, "profesora", "Profe1234!")
    u.assert_error_page(h.client.get(LOGIN_PHP), "A required parameter (key) was missing", link=f"{h.base_url}/")
    assert u.whoami(h) == "Paula Profesora"


def test_session_marker_set_on_key_login(rest: RestFactory) -> None:
    h = rest()
    u.assert_redirect(h.client.get(f"{LOGIN_PHP}?key={new_key(h)}"), h.base_url)
    sessions = h.tenant.store.sessions_of_user(40)
    assert len(sessions) == 1 and sessions[0].data["auth_userkey"]["userkey"] is True


def test_concurrent_keys_of_different_users(rest: RestFactory) -> None:
    h = rest()
    carla = new_key(h)
    ana = new_key(h, "alumno1")
    u.assert_redirect(h.client.get(f"{LOGIN_PHP}?key={carla}"), h.base_url)
    assert keys_of(h, 3) == [ana]


@pytest.mark.parametrize(
    ("headers", "status"),
    [
        ({}, 404),
        ({"Range": "bytes=0-1"}, 407),
        ({"Range": ""}, 404),
        (
            {
                "Range": "bytes=0-1",
                "User-Agent": "Mozilla/5.0 (iPhone; CPU iPhone OS 10_0 like Mac OS X) AppleWebKit/602.1.50 "
                "(KHTML, like Gecko) Version/10.0 Mobile/14A346 Safari/602.1",
                "X-Playback-Session-Id": "ABC",
            },
            403,
        ),
    ],
)
def test_error_page_status_for_byte_ranges(rest: RestFactory, headers: dict[str, str], status: int) -> None:
    h = rest()
    response = h.client.get(f"{LOGIN_PHP}?key=nope", headers=headers)
    assert response.status_code == status
    assert '<p class="errormessage">Incorrect key</p>' in response.text


def test_session_cookie_attributes(rest: RestFactory) -> None:
    h = rest()
    response = h.client.get(f"{LOGIN_PHP}?key={new_key(h)}")
    cookie = response.headers["set-cookie"]
    assert cookie.startswith("MoodleSession=") and cookie.endswith("; HttpOnly; Path=/")
    secure = rest(moodle={"wwwroot": "https://campus.example.cl/m"})
    response = secure.client.get(f"{LOGIN_PHP}?key={new_key(secure)}")
    assert response.headers["set-cookie"].endswith("; HttpOnly; Path=/m/; SameSite=none; Secure")


# --- version switches of auth-userkey.md §8 ----------------------------------------------------------


def test_v1_default_redirect_is_the_server_root(rest: RestFactory) -> None:
    h = rest(moodle={"wwwroot": "http://www.example.com/moodle"}, auth_userkey={"default_redirect": "root"})
    u.assert_redirect(h.client.get(f"{LOGIN_PHP}?key={new_key(h)}"), "http://www.example.com/")
    wanted = h.client.get(LOGIN_PHP, params={"key": new_key(h), "wantsurl": "http://www.example.com/moodle/my/"})
    u.assert_redirect(wanted, "http://www.example.com/moodle/my/")


def test_logged_in_redirect_without_validation(rest: RestFactory) -> None:
    h = rest(auth_userkey={"logged_in_behaviour": "redirect_without_validation"})
    u.login_form(h, "profesora", "Profe1234!")
    key = new_key(h)
    u.assert_redirect(h.client.get(f"{LOGIN_PHP}?key={key}"), h.base_url)
    assert u.whoami(h) == "Paula Profesora"  # bug #35: the old user stays
    assert keys_of(h, 40) == [key]
    u.assert_redirect(h.client.get(f"{LOGIN_PHP}?key=garbage&wantsurl=/my/"), f"{h.base_url}/my/")
    # Not logged in: normal validation.
    fresh = rest(auth_userkey={"logged_in_behaviour": "redirect_without_validation"})
    u.assert_error_page(fresh.client.get(f"{LOGIN_PHP}?key=garbage"), "Incorrect key", link=f"{fresh.base_url}/")


def test_logged_in_login_over(rest: RestFactory) -> None:
    h = rest(auth_userkey={"logged_in_behaviour": "login_over"})
    u.login_form(h, "profesora", "Profe1234!")
    u.assert_error_page(h.client.get(f"{LOGIN_PHP}?key=garbage"), "Incorrect key", link=f"{h.base_url}/")
    assert u.whoami(h) == "Paula Profesora"  # no logout on failure
    u.assert_redirect(h.client.get(f"{LOGIN_PHP}?key={new_key(h)}"), h.base_url)
    assert u.whoami(h) == "Carla Muñoz"
    sessions = h.tenant.store.sessions_of_user(40)
    assert len(sessions) == 1 and sessions[0].data["auth_userkey"]["userkey"] is True
