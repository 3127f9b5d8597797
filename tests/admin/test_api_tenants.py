"""Tenants: isolated worlds under /t/<name>, created from scenarios, with the right base in every URL."""

from __future__ import annotations

from tests.admin.helpers import admin, journal, login_url, new_tenant, rest
from tests.harness import ServerFactory


def test_create_list_get_delete(server: ServerFactory) -> None:
    h = server()
    created = new_tenant(h, "alpha")
    assert created["name"] == "alpha"
    assert created["wwwroot"] == h.base_url + "/t/alpha"
    assert created["admin"] == h.base_url + "/__mock/tenants/alpha"
    assert created["scenario"] == "demo"
    names = [t["name"] for t in admin(h, "GET", "/tenants").json()["tenants"]]
    assert names == ["default", "alpha"]
    assert admin(h, "GET", "/tenants/alpha").json()["journal"] == {
        "size": 1000,
        "kept": 0,
        "total": 0,
        "dropped": 0,
        "bytes": 0,
        "max_bytes": 64 * 1024 * 1024,
    }
    assert admin(h, "DELETE", "/tenants/alpha").status_code == 204
    assert admin(h, "GET", "/tenants/alpha").status_code == 404
    gone = h.client.get("/t/alpha/login/index.php")
    assert gone.status_code == 404 and gone.text == "Unknown tenant: alpha\n"


def test_tenant_errors(server: ServerFactory) -> None:
    h = server()
    new_tenant(h, "alpha")
    taken = admin(h, "POST", "/tenants", json={"name": "alpha"})
    assert taken.status_code == 409 and taken.json() == {"error": "tenant 'alpha' exists"}
    bad = admin(h, "POST", "/tenants", json={"name": "Bad Name"})
    assert bad.status_code == 400 and "invalid tenant name" in bad.json()["error"]
    assert admin(h, "DELETE", "/tenants/default").status_code == 400
    assert admin(h, "DELETE", "/tenants/nope").status_code == 404
    both = admin(h, "POST", "/tenants", json={"path": "x.yaml", "from": "default"})
    assert both.status_code == 422 and both.json()["error"] == "give one of scenario, path or from"
    unknown = admin(h, "POST", "/tenants", json={"wat": 1})
    assert unknown.status_code == 422


def test_generated_name(server: ServerFactory) -> None:
    h = server()
    created = admin(h, "POST", "/tenants").json()
    assert created["name"].startswith("t") and len(created["name"]) == 9
    assert created["scenario"] == "demo"


def test_tenants_do_not_see_each_other(server: ServerFactory) -> None:
    h = server()
    new_tenant(h, "one")
    new_tenant(h, "two")
    url_one = login_url(h, "/t/one", "alumno1")
    assert url_one.startswith(h.base_url + "/t/one/auth/userkey/login.php?key=")
    key = url_one.rsplit("=", 1)[1]
    # the key exists in tenant one only
    assert [k["key"] for k in admin(h, "GET", "/tenants/one/world/keys").json()["keys"]] == [key]
    assert admin(h, "GET", "/tenants/two/world/keys").json()["keys"] == []
    assert admin(h, "GET", "/tenants/default/world/keys").json()["keys"] == []
    # using it on tenant two fails the Moodle way
    wrong = h.client.get(f"/t/two/auth/userkey/login.php?key={key}")
    assert wrong.status_code == 404 and "Incorrect key" in wrong.text
    # journals are separate
    assert [e["tenant"] for e in journal(h, "one")] == ["one"]
    assert [e["path"] for e in journal(h, "two")] == ["/auth/userkey/login.php"]
    assert journal(h, "default") == []
    # clocks are separate
    admin(h, "POST", "/tenants/one/clock/advance", json={"days": 10})
    one = admin(h, "GET", "/tenants/one/clock").json()["now"]
    two = admin(h, "GET", "/tenants/two/clock").json()["now"]
    assert one - two > 9 * 86400


def test_every_url_carries_the_tenant_base(server: ServerFactory) -> None:
    h = server()
    new_tenant(h, "shop")
    url = login_url(h, "/t/shop")
    landing = h.client.get(url + "&wantsurl=" + h.url("/t/shop/course/view.php?id=2"))
    assert landing.status_code == 303
    assert landing.headers["location"] == h.url("/t/shop/course/view.php?id=2")
    page = h.client.get("/t/shop/course/view.php?id=2")
    assert page.status_code == 200
    assert f'<a class="brand" href="{h.base_url}/t/shop/">' in page.text
    assert f'href="{h.base_url}/t/shop/my/"' in page.text
    info = rest(h, "/t/shop", "core_webservice_get_site_info").json()
    assert info["siteurl"] == h.base_url + "/t/shop"


def test_public_url_behind_a_proxy(server: ServerFactory) -> None:
    h = server(public_url="https://moodle.example.test/")
    new_tenant(h, "ci")
    assert login_url(h).startswith("https://moodle.example.test/auth/userkey/login.php?key=")
    assert login_url(h, "/t/ci").startswith("https://moodle.example.test/t/ci/auth/userkey/login.php?key=")
    assert admin(h, "GET", "/tenants/ci").json()["wwwroot"] == "https://moodle.example.test/t/ci"


def test_tenant_from_inline_scenario_and_copy(server: ServerFactory) -> None:
    h = server()
    yaml_text = "name: tiny\nusers:\n  - {username: solo, password: Solo1234!}\n"
    created = admin(h, "POST", "/tenants?name=tiny", content=yaml_text, headers={"content-type": "application/yaml"})
    assert created.status_code == 201, created.text
    users = [u["username"] for u in admin(h, "GET", "/tenants/tiny/world").json()["users"]]
    assert users == ["guest", "solo"]
    as_json = new_tenant(h, "tiny2", scenario={"name": "tiny2", "users": [{"username": "x"}]})
    assert as_json["scenario"] == "tiny2"
    copy = new_tenant(h, "copy", **{"from": "tiny"})
    assert copy["scenario"] == "tiny"


def test_tenant_from_path_and_invalid_scenario(server: ServerFactory) -> None:
    h = server()
    created = new_tenant(h, "bypath", path="scenarios/demo.yaml")
    assert created["source"] == "scenarios/demo.yaml"
    bad = admin(h, "POST", "/tenants", json={"name": "bad", "scenario": "users:\n  - {username: x, nope: 1}\n"})
    assert bad.status_code == 422
    assert bad.json() == {
        "error": "invalid scenario",
        "problems": ["<api>:2: users.0.nope: unknown key (`mockserver schema` lists the valid ones)"],
    }
    missing = admin(h, "POST", "/tenants", json={"name": "gone", "path": "no/such.yaml"})
    assert missing.status_code == 422 and missing.json()["problems"] == ["no/such.yaml: file not found"]
    assert admin(h, "GET", "/tenants/bad").status_code == 404
