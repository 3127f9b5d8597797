"""The admin world view of a large world, a page at a time: same entries as one big page, bounded."""

from __future__ import annotations

from typing import Any

from tests.admin.helpers import admin, new_tenant
from tests.harness import Harness, ServerFactory

WORLD: dict[str, Any] = {
    "name": "pages",
    "users": [{"username": f"u{i}"} for i in range(7)],
    "courses": [{"shortname": f"c{i}", "fullname": f"Course {i}"} for i in range(3)],
    "enrolments": [{"user": f"u{i}", "course": "c0"} for i in range(7)] + [{"user": "u0", "course": "c1"}],
    "userkeys": [{"value": f"key{i}", "user": f"u{i}", "validuntil": 4102444800} for i in range(5)],
}


def world(h: Harness, query: str = "") -> dict[str, Any]:
    response = admin(h, "GET", "/tenants/pages/world" + query)
    assert response.status_code == 200, response.text
    data: dict[str, Any] = response.json()
    return data


def test_pages_cover_the_world_once_in_order(server: ServerFactory) -> None:
    h = server()
    new_tenant(h, "pages", scenario=WORLD)
    whole = world(h)
    assert whole["page"] == {"offset": 0, "limit": 1000, "total": {"users": 8, "courses": 4, "keys": 5}}
    assert [u["username"] for u in whole["users"]] == ["guest"] + [f"u{i}" for i in range(7)]
    pages = [world(h, f"?offset={offset}&limit=3") for offset in (0, 3, 6, 9)]
    assert [len(p["users"]) for p in pages] == [3, 3, 2, 0]
    assert [u for p in pages for u in p["users"]] == whole["users"]
    assert [c for p in pages for c in p["courses"]] == [{**c, "enrolled": c["enrolled"][:3]} for c in whole["courses"]]
    assert [k["key"] for p in pages for k in p["keys"]] == [f"key{i}" for i in range(5)]
    assert all(p["page"]["total"] == whole["page"]["total"] for p in pages)


def test_a_course_shows_its_first_enrolments_and_their_count(server: ServerFactory) -> None:
    h = server()
    new_tenant(h, "pages", scenario=WORLD)
    courses = {c["shortname"]: c for c in world(h, "?limit=2")["courses"]}
    assert set(courses) == {"site", "c0"}
    assert [e["user"] for e in courses["c0"]["enrolled"]] == ["u0", "u1"]
    assert courses["c0"]["enrolled_total"] == 7
    c1 = world(h, "?offset=2&limit=1")["courses"][0]
    assert (c1["shortname"], c1["enrolled_total"], [e["user"] for e in c1["enrolled"]]) == ("c1", 1, ["u0"])


def test_keys_are_paged_too(server: ServerFactory) -> None:
    h = server()
    new_tenant(h, "pages", scenario=WORLD)
    keys = admin(h, "GET", "/tenants/pages/world/keys?offset=1&limit=2").json()["keys"]
    assert [k["key"] for k in keys] == ["key1", "key2"]


def test_bad_page_parameters_are_422(server: ServerFactory) -> None:
    h = server()
    new_tenant(h, "pages", scenario=WORLD)
    for query in ("?limit=0", "?limit=10001", "?limit=x", "?offset=x", "?limit=" + "9" * 5000):
        response = admin(h, "GET", "/tenants/pages/world" + query)
        assert response.status_code == 422, query
    assert admin(h, "GET", "/tenants/pages/world?offset=-5").json()["users"][0]["username"] == "guest"
