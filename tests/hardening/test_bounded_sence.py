"""SENCE's runtime tables are bounded (issue 9 part 2): pending logins, sessions, the register, the
block_sence rows. Time moves only through the admin API, so every outcome is exact."""

from __future__ import annotations

from typing import Any

from mockserver.sence.records import GateRecord, RegisterEntry
from mockserver.sence.store import SenceMemoryStore
from mockserver.world.limits import Limits
from tests.admin.helpers import admin
from tests.harness import Harness, ServerFactory
from tests.sence.helpers import SUCCESS, callback, close_post, demo_post, login, register, start, started_session

CLOCK = {"clock": {"start": "2026-03-02T13:00:00Z", "frozen": True}}


def world(limits: dict[str, Any] | None = None, **settings: Any) -> dict[str, Any]:
    return {**CLOCK, "limits": limits or {}, "sence": {"settings": settings}}


def advance(h: Harness, seconds: int) -> None:
    response = admin(h, "POST", "/tenants/default/clock/advance", json={"seconds": seconds})
    assert response.status_code == 200, response.text


def test_a_pending_login_is_forgotten_after_its_lifetime(server: ServerFactory) -> None:
    h = server(SUCCESS, world(pending_login_lifetime=600))
    first = start(h, demo_post())
    second = start(h, demo_post())
    advance(h, 600)
    assert "IdSesionSence" in callback(login(h, first.text).text).values  # the last second still counts
    advance(h, 1)
    gone = login(h, second.text)
    assert gone.status_code == 404
    assert "no existe o ya fue procesada" in gone.text


def test_the_default_pending_login_lifetime_is_an_hour(server: ServerFactory) -> None:
    h = server(SUCCESS, world())
    first = start(h, demo_post())
    second = start(h, demo_post())
    advance(h, 3600)
    assert "IdSesionSence" in callback(login(h, first.text).text).values
    advance(h, 1)
    assert login(h, second.text).status_code == 404


def test_legacy_manual_still_answers_210_after_the_three_minutes(server: ServerFactory) -> None:
    h = server(SUCCESS, {**world(), "sence": {"manual": "1.1.3"}})
    page = start(h, demo_post())
    advance(h, 181)
    assert callback(login(h, page.text).text).values["GlosaError"] == "210"


def test_pending_logins_are_capped_oldest_first(server: ServerFactory) -> None:
    h = server(SUCCESS, world({"sence_pending": 2}))
    pages = [start(h, demo_post()) for _ in range(3)]
    assert login(h, pages[0].text).status_code == 404
    assert "IdSesionSence" in callback(login(h, pages[1].text).text).values
    assert "IdSesionSence" in callback(login(h, pages[2].text).text).values


def test_a_session_is_forgotten_a_retention_after_it_started(server: ServerFactory) -> None:
    h = server(SUCCESS, world({"sence_session_retention": 7200}))
    first = started_session(h).values["IdSesionSence"]
    second = started_session(h).values["IdSesionSence"]
    advance(h, 7200)
    page = start(h, close_post(second), action="CerrarSesion")
    assert "GlosaError" not in callback(login(h, page.text).text).values  # the last second still counts
    advance(h, 1)
    closed = callback(start(h, close_post(first), action="CerrarSesion").text)
    assert closed.values["GlosaError"] == "301"
    assert [s["IdSesionSence"] for s in register(h)["sesiones"]] == []


def test_by_default_a_session_open_since_the_day_before_gets_301(server: ServerFactory) -> None:
    h = server(SUCCESS, world())
    id_sesion = started_session(h).values["IdSesionSence"]
    advance(h, 86401)
    assert callback(start(h, close_post(id_sesion), action="CerrarSesion").text).values["GlosaError"] == "301"


def test_register_entries_expire_and_are_capped(server: ServerFactory) -> None:
    h = server(SUCCESS, world({"sence_register": 3, "sence_register_retention": 100}))
    for _ in range(4):
        start(h, demo_post(RunAlumno="11111111-2"))  # 207 at once: one entry each
    assert [e["id"] for e in register(h)["registro"]] == [2, 3, 4]  # ids are never reused
    advance(h, 100)
    start(h, demo_post(RunAlumno="11111111-2"))
    assert [e["id"] for e in register(h)["registro"]] == [3, 4, 5]
    advance(h, 1)
    assert [e["id"] for e in register(h)["registro"]] == [5]


def test_a_login_whose_register_entry_went_still_completes(server: ServerFactory) -> None:
    h = server(SUCCESS, world({"sence_register": 1}))
    page = start(h, demo_post())
    start(h, demo_post(RunAlumno="11111111-2"))  # pushes the first entry out
    done = callback(login(h, page.text).text)
    assert "GlosaError" not in done.values
    entries = register(h)["registro"]
    assert [(e["id"], e["result"]) for e in entries] == [(1, "success")]


def test_gate_records_are_capped_oldest_first() -> None:
    store = SenceMemoryStore(limits=Limits(gate_records=2))
    row = GateRecord(0, 7, 2, "", "", "3", "", "", "", "", "", 0)
    ids = [store.add_gate_record(row).id for _ in range(3)]
    assert ids == [1, 2, 3]
    assert [r.id for r in store.gate_records(7, 2)] == [2, 3]


def test_a_store_without_a_clock_expires_nothing_but_is_capped() -> None:
    store = SenceMemoryStore(limits=Limits(sence_register=2, sence_register_retention=1))
    row = RegisterEntry(0, 0.0, "start", "rce", "", "", "", "", "", "")
    for _ in range(3):
        store.add_entry(row)
    assert [e.id for e in store.entries()] == [2, 3]
