"""Two servers on one Redis behave as one site: keys, sessions, tenants, clocks, users, journal.

Each ``inprocess`` harness is a separate app (its own copy of the world), as two replicas on two
machines would be; they share nothing but the Redis server.
"""

from __future__ import annotations

import pytest

from mockserver.moodle.plugins.auth_userkey import pages
from mockserver.moodle.site import Site
from mockserver.world.entities import Token, UserKey
from tests.admin.helpers import admin, journal, login_url, new_tenant
from tests.harness import Harness, ServerFactory

LOGIN_PHP = "/auth/userkey/login.php"


def pair(inprocess: ServerFactory, redis_url: str) -> tuple[Harness, Harness]:
    return inprocess(store_url=redis_url), inprocess(store_url=redis_url)


def key_of(url: str) -> str:
    return url.rsplit("=", 1)[1]


def test_a_key_minted_on_one_server_logs_in_once_on_the_other(inprocess: ServerFactory, redis_url: str) -> None:
    a, b = pair(inprocess, redis_url)
    key = key_of(login_url(a))
    used = b.client.get(f"{LOGIN_PHP}?key={key}")
    assert used.status_code == 303 and used.headers["location"] == b.base_url
    again = a.client.get(f"{LOGIN_PHP}?key={key}")
    assert again.status_code == 404 and "Incorrect key" in again.text
    # the session cookie B set is known to A
    a.client.cookies.update(b.client.cookies)
    page = a.client.get("/my/")
    assert page.status_code == 200 and "Ana" in page.text


def test_one_live_key_per_user_across_servers(inprocess: ServerFactory, redis_url: str) -> None:
    a, b = pair(inprocess, redis_url)
    first = key_of(login_url(a))
    second = key_of(login_url(b))
    assert [k.value for k in a.tenant.store.user_keys()] == [second]
    assert b.client.get(f"{LOGIN_PHP}?key={first}").status_code == 404


def test_tenants_created_on_one_server_are_served_by_the_other(inprocess: ServerFactory, redis_url: str) -> None:
    a, b = pair(inprocess, redis_url)
    new_tenant(a, "acme")
    assert [t["name"] for t in admin(b, "GET", "/tenants").json()["tenants"]] == ["default", "acme"]
    key = key_of(login_url(b, "/t/acme"))
    assert a.client.get(f"/t/acme{LOGIN_PHP}?key={key}").status_code == 303
    assert admin(b, "DELETE", "/tenants/acme").status_code == 204
    gone = a.client.get("/t/acme/login/index.php")
    assert gone.status_code == 404 and gone.text == "Unknown tenant: acme\n"


def test_the_clock_moves_for_every_server(inprocess: ServerFactory, redis_url: str) -> None:
    a, b = pair(inprocess, redis_url)
    moved = admin(a, "PUT", "/tenants/default/clock", json={"time": 2000000000, "frozen": True})
    assert moved.status_code == 200
    seen = admin(b, "GET", "/tenants/default/clock").json()
    assert (seen["time"], seen["frozen"]) == (2000000000, True)
    assert b.tenant.clock.now() == a.tenant.clock.now()


def test_a_key_expires_on_the_tenant_clock_set_elsewhere(inprocess: ServerFactory, redis_url: str) -> None:
    a, b = pair(inprocess, redis_url)
    admin(a, "PUT", "/tenants/default/clock", json={"time": 2000000000, "frozen": True})
    key = key_of(login_url(b))
    admin(a, "POST", "/tenants/default/clock/advance", json={"seconds": 7200})
    expired = b.client.get(f"{LOGIN_PHP}?key={key}")
    assert expired.status_code == 404 and "Expired key" in expired.text
    admin(a, "POST", "/tenants/default/clock/advance", json={"days": 1})  # past the retention: forgotten
    forgotten = b.client.get(f"{LOGIN_PHP}?key={key}")
    assert forgotten.status_code == 404 and "Incorrect key" in forgotten.text
    assert b.tenant.store.user_keys() == []


def test_reset_on_one_server_empties_the_state_of_both(inprocess: ServerFactory, redis_url: str) -> None:
    a, b = pair(inprocess, redis_url)
    key = key_of(login_url(a))
    assert admin(b, "POST", "/tenants/default/reset").status_code == 200
    assert a.client.get(f"{LOGIN_PHP}?key={key}").status_code == 404
    assert a.tenant.store.user_keys() == []
    assert [(e["seq"], e["path"]) for e in journal(a)] == [(1, LOGIN_PHP)]  # only what came after


def test_the_journal_is_one_for_the_site(inprocess: ServerFactory, redis_url: str) -> None:
    a, b = pair(inprocess, redis_url)
    login_url(a)
    login_url(b, username="alumno2")
    entries = journal(b, wsfunction="auth_userkey_request_login_url")
    assert [(e["seq"], e["user"]) for e in entries] == [(1, "alumno1"), (2, "alumno2")]
    assert admin(a, "GET", "/tenants/default").json()["journal"] == {"size": 1000, "kept": 2, "total": 2, "dropped": 0}


def test_a_server_joining_later_adopts_the_running_state(inprocess: ServerFactory, redis_url: str) -> None:
    a = inprocess(store_url=redis_url)
    key = key_of(login_url(a))
    late = inprocess(store_url=redis_url)
    assert late.client.get(f"{LOGIN_PHP}?key={key}").status_code == 303


def test_tokens_issued_on_one_server_work_on_the_other(inprocess: ServerFactory, redis_url: str) -> None:
    a, b = pair(inprocess, redis_url)
    issued = Token("f" * 32, 2, 1, None, "", 0)
    a.tenant.store.add_token(issued)  # what token.php does
    info = b.rest("core_webservice_get_site_info", token=issued.token)
    assert info.status_code == 200 and info.json()["username"] == "admin"
    b.tenant.store.delete_token(issued.token)
    refused = a.rest("core_webservice_get_site_info", token=issued.token)
    assert refused.json()["errorcode"] == "invalidtoken"


def test_a_fault_limited_to_once_fires_once_for_the_site(inprocess: ServerFactory, redis_url: str) -> None:
    a, b = pair(inprocess, redis_url)
    fault = {"match": {"wsfunction": "auth_userkey_request_login_url"}, "status": 503, "times": 1}
    assert admin(a, "POST", "/tenants/default/faults", json=fault).status_code == 201
    hit = b.rest("auth_userkey_request_login_url", **{"user[username]": "alumno1"})
    assert hit.status_code == 503
    passed = a.rest("auth_userkey_request_login_url", **{"user[username]": "alumno1"})
    assert passed.status_code == 200
    [listed] = admin(a, "GET", "/tenants/default/faults").json()["faults"]
    assert (listed["matched"], listed["fired"], listed["exhausted"]) == (2, 1, True)
    assert admin(b, "POST", "/tenants/default/reset").status_code == 200  # back to the scenario's faults
    assert admin(a, "GET", "/tenants/default/faults").json()["faults"] == []
    assert a.rest("auth_userkey_request_login_url", **{"user[username]": "alumno1"}).status_code == 200


def test_a_key_taken_between_the_check_and_the_use_is_an_unknown_key(
    inprocess: ServerFactory, redis_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The race the take-once closes: another server logs in with the key after this one checked it."""
    a, b = pair(inprocess, redis_url)
    key = key_of(login_url(a))
    check = pages._validate_key
    raced: list[bool] = []

    def check_then_lose_the_race(site: Site, value: str) -> UserKey:
        found = check(site, value)
        if not raced:  # the other server's login.php takes the key now
            raced.append(b.tenant.store.consume_user_key(value))
        return found

    monkeypatch.setattr(pages, "_validate_key", check_then_lose_the_race)
    lost = a.client.get(f"{LOGIN_PHP}?key={key}")
    assert raced == [True]
    assert lost.status_code == 404 and "Incorrect key" in lost.text
    assert a.client.get("/my/").status_code == 303  # not logged in: sent to the login page


def test_the_scenarios_limits_bound_the_shared_tables(inprocess: ServerFactory, redis_url: str) -> None:
    """``limits.userkeys: 1`` in the scenario caps the keys of the whole site, oldest first."""
    overrides = {"limits": {"userkeys": 1}}
    a = inprocess(overrides=overrides, store_url=redis_url)
    b = inprocess(overrides=overrides, store_url=redis_url)
    first = key_of(login_url(a))
    second = key_of(login_url(b, username="alumno2"))
    assert [k.value for k in a.tenant.store.user_keys()] == [second]
    assert b.client.get(f"{LOGIN_PHP}?key={first}").status_code == 404
    assert a.client.get(f"{LOGIN_PHP}?key={second}").status_code == 303
