"""Load or replace the scenario, reset to its start; get, set and advance the clock; read the world."""

from __future__ import annotations

import json

from tests.admin.helpers import admin, journal, login_url, new_tenant
from tests.harness import ServerFactory

TINY = "name: tiny\nclock: {start: '2030-01-01T00:00:00Z', frozen: true}\nusers:\n  - {username: solo}\n"


def test_replace_scenario_with_yaml_then_json(server: ServerFactory) -> None:
    h = server()
    login_url(h)
    replaced = admin(h, "PUT", "/tenants/default/scenario", content=TINY, headers={"content-type": "application/yaml"})
    assert replaced.status_code == 200, replaced.text
    assert replaced.json()["scenario"] == "tiny"
    world = admin(h, "GET", "/tenants/default/world").json()
    assert [u["username"] for u in world["users"]] == ["guest", "solo"]
    assert world["clock"] == {
        "now": 1893456000.0,
        "time": 1893456000,
        "iso": "2030-01-01T00:00:00+00:00",
        "frozen": True,
    }
    assert journal(h) == []  # a new scenario starts a new journal
    as_json = json.dumps({"name": "j", "users": [{"username": "jay"}]})
    replaced = admin(
        h, "PUT", "/tenants/default/scenario", content=as_json, headers={"content-type": "application/json"}
    )
    assert replaced.json()["scenario"] == "j"
    scenario = admin(h, "GET", "/tenants/default/scenario").json()
    assert scenario == {
        "source": "<scenario sent through the admin API>",
        "scenario": {"name": "j", "users": [{"username": "jay"}]},
    }


def test_replace_from_path_and_errors_keep_the_world(server: ServerFactory) -> None:
    h = server()
    admin(h, "PUT", "/tenants/default/scenario", content=TINY, headers={"content-type": "application/yaml"})
    back = admin(h, "PUT", "/tenants/default/scenario?path=scenarios/demo.yaml")
    assert back.json()["scenario"] == "demo" and back.json()["source"] == "scenarios/demo.yaml"
    broken = admin(h, "PUT", "/tenants/default/scenario", content="users: [", headers={"content-type": "text/yaml"})
    assert broken.status_code == 422
    assert broken.json()["problems"][0].startswith("<api>:1: not valid YAML")
    wrong_type = admin(h, "PUT", "/tenants/default/scenario", content="x", headers={"content-type": "image/png"})
    assert wrong_type.status_code == 415
    assert admin(h, "GET", "/tenants/default").json()["scenario"] == "demo"


def test_reset_restores_the_start(server: ServerFactory) -> None:
    h = server()
    admin(h, "PUT", "/tenants/default/clock", json={"time": "2031-05-01T12:00:00Z", "frozen": True})
    url = login_url(h)
    assert h.client.get(url).status_code == 303
    admin(h, "POST", "/tenants/default/faults", json={"status": 500, "match": {"path": "/nothing"}})
    assert len(journal(h)) == 2
    reset = admin(h, "POST", "/tenants/default/reset")
    assert reset.status_code == 200
    assert reset.json()["reset_ms"] < 50
    assert admin(h, "GET", "/tenants/default/world/keys?all=1").json()["keys"] == []
    assert journal(h) == []
    assert admin(h, "GET", "/tenants/default/faults").json()["faults"] == []
    assert admin(h, "GET", "/tenants/default/clock").json()["frozen"] is False
    users = {u["username"]: u for u in admin(h, "GET", "/tenants/default/world").json()["users"]}
    assert users["alumno1"]["lastlogin"] == 0 and users["alumno1"]["currentlogin"] == 0


def test_reset_can_keep_journal_and_faults(server: ServerFactory) -> None:
    h = server()
    login_url(h)
    admin(h, "POST", "/tenants/default/faults", json={"status": 500, "match": {"path": "/nothing"}})
    admin(h, "POST", "/tenants/default/reset?keep=journal,faults")
    assert len(journal(h)) == 1
    assert len(admin(h, "GET", "/tenants/default/faults").json()["faults"]) == 1
    assert admin(h, "POST", "/tenants/default/reset?keep=world").status_code == 422


def test_clock_set_freeze_advance_and_key_expiry(server: ServerFactory) -> None:
    h = server()
    clock = admin(h, "PUT", "/tenants/default/clock", json={"time": 1900000000, "frozen": True}).json()
    assert clock == {"now": 1900000000.0, "time": 1900000000, "iso": "2030-03-17T17:46:40+00:00", "frozen": True}
    url = login_url(h)
    keys = admin(h, "GET", "/tenants/default/world/keys").json()["keys"]
    assert [(k["user"], k["validuntil"], k["expires_in"], k["live"]) for k in keys] == [
        ("alumno1", 1900000060, 60.0, True)
    ]
    advanced = admin(h, "POST", "/tenants/default/clock/advance", json={"seconds": 30, "minutes": 1}).json()
    assert advanced["time"] == 1900000090
    assert admin(h, "GET", "/tenants/default/world/keys").json()["keys"] == []
    expired = admin(h, "GET", "/tenants/default/world/keys?all=1").json()["keys"]
    assert expired[0]["live"] is False and expired[0]["expires_in"] == -30.0
    page = h.client.get(url)
    assert "Expired key" in page.text
    back = admin(h, "POST", "/tenants/default/clock/advance", json={"hours": -1}).json()
    assert back["time"] == 1900000090 - 3600
    thawed = admin(h, "PUT", "/tenants/default/clock", json={"frozen": False}).json()
    assert thawed["frozen"] is False


def test_clock_errors(server: ServerFactory) -> None:
    h = server()
    assert admin(h, "PUT", "/tenants/default/clock", json={"time": "yesterday"}).status_code == 422
    assert admin(h, "PUT", "/tenants/default/clock", json={"frozen": "yes"}).status_code == 422
    assert admin(h, "PUT", "/tenants/default/clock", json={}).status_code == 422
    assert admin(h, "POST", "/tenants/default/clock/advance", json={"weeks": 1}).status_code == 422
    assert admin(h, "POST", "/tenants/default/clock/advance", json={"seconds": "1"}).status_code == 422
    assert admin(h, "POST", "/tenants/default/clock/advance", content="{").status_code == 400
    assert admin(h, "GET", "/tenants/nope/clock").status_code == 404


def test_world_view(server: ServerFactory) -> None:
    h = server()
    new_tenant(h, "w")
    world = admin(h, "GET", "/tenants/w/world").json()
    assert set(world) == {
        "tenant",
        "scenario",
        "clock",
        "page",
        "users",
        "courses",
        "categories",
        "tokens",
        "keys",
        "sessions",
        "sence",
        "plugins",
    }
    users = {u["username"]: u for u in world["users"]}
    assert users["alumno1"]["fullname"] == "Ana Pérez"
    assert users["alumno1"]["profile"] == {"runalumno": "12345678-5"}
    assert all("password" not in u for u in world["users"])
    assert world["tokens"] == [
        {
            "token": "d1c2b3a4e5f60718293a4b5c6d7e8f90",
            "user": "admin",
            "service": "User key authentication web service",
            "validuntil": None,
            "iprestriction": "",
        },
        {
            "token": "0f1e2d3c4b5a69788796a5b4c3d2e1f0",
            "user": "admin",
            "service": "Integration service",
            "validuntil": None,
            "iprestriction": "",
        },
    ]
    assert users["alumno1"]["confirmed"] is True and users["alumno1"]["lang"] == "es"
    assert users["alumno1"]["timezone"] == "99" and users["alumno1"]["city"] == ""
    course = next(c for c in world["courses"] if c["id"] == 2)
    alumno1 = next(e for e in course["enrolled"] if e["user"] == "alumno1")
    assert (alumno1["userid"], alumno1["role"], alumno1["method"], alumno1["status"]) == (3, "student", "manual", 0)
    assert (course["manualenrol"], course["format"], course["customfields"]["codsence"]) == (
        True,
        "topics",
        "1238008244",
    )
    timemodified = world["categories"][0].pop("timemodified")
    assert 0 < timemodified <= world["clock"]["time"]
    assert world["categories"] == [
        {
            "id": 1,
            "name": "Category 1",
            "parent": 0,
            "idnumber": "",
            "description": "",
            "visible": True,
            "sortorder": 10000,
            "theme": "",
        }
    ]
    assert world["sence"] == {"sessions": [], "attendance": []}
    assert admin(h, "GET", "/tenants/w/world/sence").json() == {"sessions": [], "attendance": []}
    url = login_url(h, "/t/w")
    h.client.get(url)
    sessions = admin(h, "GET", "/tenants/w/world").json()["sessions"]
    assert [s["user"] for s in sessions] == ["alumno1"] and "…" in sessions[0]["sid"]
