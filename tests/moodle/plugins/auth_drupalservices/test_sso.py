"""auth_drupalservices against the fake Drupal, in-process and live (eduauth-and-drupal.md §2.2-§2.4)."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from mockserver.world.entities import User
from tests.drupal.helpers import World, WorldFactory

LOGIN = "/login/index.php"


def _ana(w: World) -> User:
    found = w.tenant.store.find_users("idnumber", "1001")
    assert len(found) == 1
    return found[0]


def _login_form(response: Any) -> bool:
    return response.status_code == 200 and 'name="password"' in response.text


def _via_drupal(w: World, *login: str) -> Any:
    """Log in on Drupal, then open Moodle's login page with the shared cookie."""
    w.drupal_cookie(*login)
    return w.moodle.get(LOGIN)


def _rename(w: World, cookie: dict[str, str], **changes: str) -> None:
    form = w.drupal.get("/user/1001/edit", headers=cookie)
    token = form.text.split('name="form_token" value="', 1)[1].split('"', 1)[0]
    saved = w.drupal.post("/user/1001/edit", headers=cookie, data={"form_token": token, **changes})
    assert "The changes have been saved." in saved.text


def test_no_cookie_sends_the_browser_to_drupal(world: WorldFactory) -> None:
    w = world()
    response = w.moodle.get(LOGIN)
    assert response.status_code == 303
    assert response.headers["location"] == f"{w.drupal_url}/user/login?moodle_url=true&destination="
    assert response.headers["x-redirect-by"] == "Moodle"


def test_wantsurl_becomes_the_destination(world: WorldFactory) -> None:
    w = world()
    bounce = w.moodle.get("/my/?x=1")
    assert bounce.headers["location"] == f"{w.moodle_url}{LOGIN}"
    response = w.moodle.get(LOGIN)
    assert response.headers["location"] == f"{w.drupal_url}/user/login?moodle_url=true&destination=my/?x=1"
    # the wantsurl is used up: the next visit goes with wwwroot's (empty) path
    assert w.moodle.get(LOGIN).headers["location"].endswith("destination=")


def test_cookie_logs_ana_in_creating_her(world: WorldFactory) -> None:
    w = world()
    w.moodle.get("/my/")  # remembers the wantsurl
    w.drupal_cookie()
    response = w.moodle.get(LOGIN)
    assert response.status_code == 303
    assert response.headers["location"] == f"{w.moodle_url}/my/"
    ana = _ana(w)
    assert (ana.username, ana.firstname, ana.lastname, ana.email) == ("ana", "Ana", "Pérez", "ana.perez@example.com")
    assert (ana.auth, ana.idnumber, ana.confirmed, ana.suspended) == ("drupalservices", "1001", True, False)
    assert (ana.city, ana.country, ana.lang) == ("none", "no", "en")
    assert ana.password == ""
    dashboard = w.moodle.get("/my/")
    assert dashboard.status_code == 200
    assert "Ana Pérez" in dashboard.text


def test_without_wantsurl_the_front_page(world: WorldFactory) -> None:
    w = world()
    response = _via_drupal(w)
    assert response.headers["location"] == f"{w.moodle_url}/"


def test_rename_in_drupal_is_followed_on_the_next_login(world: WorldFactory) -> None:
    w = world()
    cookie = w.drupal_cookie()
    w.moodle.get(LOGIN)
    first = _ana(w)
    _rename(
        w, cookie, name="ana.perez", field_first_name="Anita", field_last_name="Pérez Soto", mail="anita@example.com"
    )
    # already logged in to Moodle: nothing changes (the hook stops)
    assert w.moodle.get(LOGIN).status_code == 200
    assert _ana(w).firstname == "Ana"
    w.moodle.cookies.clear()  # a new browser session: the next login
    w.moodle.cookies.set(w.cookie_name, cookie["Cookie"].split("=", 1)[1])
    assert w.moodle.get(LOGIN).status_code == 303
    renamed = _ana(w)
    assert renamed.id == first.id
    assert (renamed.username, renamed.firstname, renamed.lastname) == ("ana.perez", "Anita", "Pérez Soto")
    assert renamed.email == "anita@example.com"


def test_logout_logs_out_of_drupal_too(world: WorldFactory) -> None:
    w = world()
    cookie = w.drupal_cookie()
    w.moodle.get(LOGIN)
    page = w.moodle.get("/my/")
    sesskey = page.text.split("sesskey=", 1)[1][:10]
    out = w.moodle.get(f"/login/logout.php?sesskey={sesskey}")
    assert out.status_code == 303 and out.headers["location"] == f"{w.moodle_url}/"
    connect = w.drupal.post("/moodlesso/system/connect", headers=cookie)
    assert connect.json()["user"]["uid"] == 0  # the Drupal session is gone
    # and back on Moodle's login page the dead cookie is an anonymous Drupal user: the form
    assert _login_form(w.moodle.get(LOGIN))


def test_logout_service_off_keeps_drupal(world: WorldFactory) -> None:
    w = world(overrides={"plugins": {"auth_drupalservices": {"call_logout_service": False}}})
    cookie = w.drupal_cookie()
    w.moodle.get(LOGIN)
    sesskey = w.moodle.get("/my/").text.split("sesskey=", 1)[1][:10]
    w.moodle.get(f"/login/logout.php?sesskey={sesskey}")
    assert w.drupal.post("/moodlesso/system/connect", headers=cookie).status_code == 401  # alive, CSRF asked


@pytest.mark.parametrize("outcome", ["forbidden", "malformed", "down"])
def test_connect_failures_show_the_login_form(world: WorldFactory, outcome: str) -> None:
    w = world(overrides={"drupal": {"outcomes": [{"call": "connect", "outcome": outcome}]}})
    response = _via_drupal(w)
    assert _login_form(response)
    assert w.tenant.store.find_users("idnumber", "1001") == []


def test_slow_drupal_times_out(world: WorldFactory) -> None:
    overrides = {
        "drupal": {"outcomes": [{"call": "connect", "outcome": "slow", "delay": 3}]},
        "plugins": {"auth_drupalservices": {"timeout": 0.3}},
    }
    w = world(overrides=overrides)
    assert _login_form(_via_drupal(w))
    assert w.tenant.store.find_users("idnumber", "1001") == []


def test_drupal_failure_logs_a_moodle_session_out(world: WorldFactory) -> None:
    """Logged in to Moodle, then Drupal refuses who-am-I: require_logout(), and the form."""
    w = world(overrides={"drupal": {"outcomes": [{"call": "connect", "outcome": "forbidden", "after": 1}]}})
    assert _via_drupal(w).status_code == 303
    assert w.moodle.get("/my/").status_code == 200
    assert _login_form(w.moodle.get(LOGIN))
    assert w.moodle.get("/my/").status_code == 303  # logged out


def test_anonymous_drupal_keeps_the_moodle_session(world: WorldFactory) -> None:
    """Drupal answers but the session is gone (uid 0): the hook stops, Moodle stays logged in."""
    w = world()
    assert _via_drupal(w).status_code == 303
    w.drupal.post("/user/logout")  # not the browser's session: the cookie jar of the Drupal client is empty
    state = w.tenant.store.plugin_state("drupal", lambda: None)
    state.sessions.clear()  # type: ignore[attr-defined]
    assert _login_form(w.moodle.get(LOGIN))
    assert w.moodle.get("/my/").status_code == 200


def test_csrf_token_failure_means_connect_is_refused(world: WorldFactory) -> None:
    """No CSRF token (user/token refused): system/connect answers 401, so no login; the next try works."""
    w = world(overrides={"drupal": {"outcomes": [{"call": "token", "outcome": "forbidden", "times": 1}]}})
    assert _login_form(_via_drupal(w))
    assert w.moodle.get(LOGIN).status_code == 303
    assert w.moodle.get("/my/").status_code == 200


def test_full_user_refused_is_a_database_error(world: WorldFactory) -> None:
    w = world(overrides={"drupal": {"outcomes": [{"call": "user", "outcome": "forbidden"}]}})
    response = _via_drupal(w)
    assert response.status_code == 404
    assert "Error writing to database" in response.text
    assert w.tenant.store.find_users("idnumber", "1001") == []


def test_drupal_unreachable(world: WorldFactory) -> None:
    w = world(overrides={"plugins": {"auth_drupalservices": {"host_uri": "http://127.0.0.1:9"}}})
    name = w.cookie_name
    response = w.moodle.get(LOGIN, headers={"Cookie": f"{name}=abc"})
    assert _login_form(response)
    assert w.moodle.get(LOGIN).headers["location"].startswith("http://127.0.0.1:9/user/login?")


def test_username_clash_is_a_database_error(world: WorldFactory) -> None:
    w = world()
    store = w.tenant.store
    store.add_user(User(id=store.next_user_id(), username="ana", auth="manual"))
    response = _via_drupal(w)
    assert response.status_code == 404 and "Error writing to database" in response.text


def test_existing_idnumber_is_taken_over(world: WorldFactory) -> None:
    w = world()
    store = w.tenant.store
    old = store.add_user(User(id=store.next_user_id(), username="old", idnumber="1001", auth="manual", country="CL"))
    _via_drupal(w)
    ana = _ana(w)
    assert (ana.id, ana.username, ana.auth, ana.country) == (old.id, "ana", "drupalservices", "CL")


def test_drupal_admin_is_not_synced(world: WorldFactory) -> None:
    user = {"uid": 1, "name": "admin", "password": "Admin1234!", "mail": "admin@example.com"}
    w = world(overrides={"drupal": {"users": [user]}})
    response = _via_drupal(w, "admin", "Admin1234!")
    assert _login_form(response)
    assert w.tenant.store.find_users("idnumber", "1") == []


def test_local_login_with_username_skips_sso(world: WorldFactory) -> None:
    w = world()
    response = w.moodle.post(LOGIN, data={"username": "nobody", "password": "x"})
    assert response.status_code == 200 and "Invalid login" in response.text


def test_dual_login(world: WorldFactory) -> None:
    w = world(overrides={"plugins": {"auth_drupalservices": {"duallogin": True}}})
    response = w.moodle.get(LOGIN)
    assert response.headers["location"] == f"{w.moodle_url}/auth/drupalservices/duallogin.php"
    page = w.moodle.get("/auth/drupalservices/duallogin.php")
    assert page.status_code == 200
    assert "Connect with a drupal remote account" in page.text and "Connect with a moodle local account" in page.text
    assert f'href="{w.moodle_url}/login/index.php?sso=drupal"' in page.text
    assert f'href="{w.moodle_url}/login/index.php?sso=no"' in page.text
    forced = w.moodle.get(f"{LOGIN}?sso=drupal")
    assert forced.headers["location"].startswith(f"{w.drupal_url}/user/login?moodle_url=true&destination=")
    assert _login_form(w.moodle.get(f"{LOGIN}?sso=no"))


def test_sso_no_logs_out_of_drupal(world: WorldFactory) -> None:
    w = world()
    cookie = w.drupal_cookie()
    assert _login_form(w.moodle.get(f"{LOGIN}?sso=no"))
    assert w.drupal.post("/moodlesso/system/connect", headers=cookie).json()["user"]["uid"] == 0


def test_dual_login_logout_goes_to_duallogin(world: WorldFactory) -> None:
    w = world(overrides={"plugins": {"auth_drupalservices": {"duallogin": True}}})
    w.drupal_cookie()
    assert w.moodle.get(LOGIN).status_code == 303
    sesskey = w.moodle.get("/my/").text.split("sesskey=", 1)[1][:10]
    out = w.moodle.get(f"/login/logout.php?sesskey={sesskey}")
    assert out.headers["location"] == f"{w.moodle_url}/auth/drupalservices/duallogin.php"


@pytest.mark.parametrize(
    ("style", "location"),
    [
        ("master", None),
        ("cannod3", None),
    ],
)
def test_older_redirects_need_a_wantsurl(world: WorldFactory, style: str, location: str | None) -> None:
    w = world(overrides={"plugins": {"auth_drupalservices": {"login_redirect": style}}})
    assert _login_form(w.moodle.get(LOGIN))
    w.moodle.get("/my/")
    target = w.moodle.get(LOGIN).headers["location"]
    host = w.moodle_url.split("://", 1)[1]
    if style == "master":
        assert target == f"{w.drupal_url}/user/login?moodle_url=true&destination=my/"
    else:
        assert target == f"{w.drupal_url}/user/login?moodleurl=http://{host}/my/"


def test_drupal_8_mode(world: WorldFactory) -> None:
    w = world(overrides={"drupal": {"version": 8}, "plugins": {"auth_drupalservices": {"drupalversion": 8}}})
    login = w.drupal.post("/user/login?_format=json", json={"name": "ana", "pass": "Drupal1234!"})
    sid = login.headers["set-cookie"].split(";", 1)[0].split("=", 1)[1]
    w.drupal.cookies.clear()
    cookie = {"Cookie": f"{w.cookie_name}={sid}"}
    w.moodle.cookies.set(w.cookie_name, sid)
    response = w.moodle.get(LOGIN)
    assert response.status_code == 303
    ana = _ana(w)
    assert (ana.username, ana.firstname, ana.lastname, ana.email) == ("ana", "Ana", "Pérez", "ana.perez@example.com")
    # Drupal 8 logout needs the logout token the hook never has: Drupal refuses, the session stays
    sesskey = w.moodle.get("/my/").text.split("sesskey=", 1)[1][:10]
    w.moodle.get(f"/login/logout.php?sesskey={sesskey}")
    assert w.drupal.get("/system/connect?_format=json", headers=cookie).json()[0]["uid"] == [{"value": 1001}]


@pytest.mark.parametrize("outcome", ["forbidden", "malformed", "down"])
def test_drupal_8_failures(world: WorldFactory, outcome: str) -> None:
    overrides = {
        "drupal": {"version": 8, "outcomes": [{"call": "connect", "outcome": outcome}]},
        "plugins": {"auth_drupalservices": {"drupalversion": 8}},
    }
    w = world(overrides=overrides)
    assert _login_form(_via_drupal(w))
    assert w.tenant.store.find_users("idnumber", "1001") == []


@pytest.mark.parametrize(
    "value",
    ["", "%", "%ZZ", "\u00e9t\u00e9", "a" * 4000, '"q"', "=;=", "x%00y", "..%2F..%2F"],
)
def test_malformed_cookies_never_500(world: WorldFactory, value: str) -> None:
    w = world()
    header = [(b"Cookie", f"{w.cookie_name}={value}; {w.cookie_name}=second".encode())]
    response = w.moodle.request("GET", LOGIN, headers=header)
    assert _login_form(response)


def test_world_view_lists_synced_users(world: WorldFactory) -> None:
    w = world()
    _via_drupal(w)
    view = w.moodle.get("/__mock/tenants/default/world").json()["plugins"]["auth_drupalservices"]
    assert view["settings"]["drupalversion"] == 7
    assert view["users"] == [{"id": _ana(w).id, "username": "ana", "idnumber": "1001", "suspended": False}]


def test_autodetected_cookie_domain(world: WorldFactory) -> None:
    """No cookiedomain, autodetect on: the cookie named after '.<drupal host>' is found and used."""
    host = httpx.URL(world().drupal_url).host
    overrides = {
        "drupal": {"cookie_domain": f".{host}"},
        "plugins": {"auth_drupalservices": {"cookiedomain": None, "autodetect": True}},
    }
    w = world(overrides=overrides)
    assert _via_drupal(w).status_code == 303
    assert _ana(w).username == "ana"
    off = world(overrides={**overrides, "plugins": {"auth_drupalservices": {"cookiedomain": None}}})
    off.drupal_cookie()
    assert off.moodle.get(LOGIN).headers["location"].startswith(f"{off.drupal_url}/user/login?")  # not found
