"""Copy-on-write worlds: tenants and reset generations share one base world and never see each
other's changes; a reset gives back exactly the scenario's world; the front page stops at
``frontpagecourselimit``."""

from __future__ import annotations

import dataclasses
import re
from dataclasses import replace
from pathlib import Path
from typing import Any

from mockserver.world.base import FOLDED_EMAIL
from mockserver.world.entities import Enrolment, User
from mockserver.world.loader import load_scenario
from mockserver.world.seed import _WORLDS, build_store
from mockserver.world.store import MemoryStore
from mockserver.world.tenant import Tenant
from tests.harness import ServerFactory

DEMO = Path(__file__).resolve().parents[2] / "scenarios" / "demo.yaml"


def snapshot(store: MemoryStore) -> dict[str, Any]:
    """Everything the store holds of users, courses and enrolments, as plain data."""
    return {
        "users": [dataclasses.asdict(u) for u in store.users()],
        "courses": [dataclasses.asdict(c) for c in store.courses()],
        "enrolments": {
            c.id: [dataclasses.asdict(e) for e in store.enrolments_of_course(c.id)] for c in store.courses()
        },
        "by_user": {u.id: [e.courseid for e in store.enrolments_of_user(u.id)] for u in store.users()},
        "next_user_id": store.next_user_id(),
    }


def change_everything(store: MemoryStore) -> None:
    """What requests do: in-place login times, a profile update, a new user, enrolments added and removed."""
    alumno = store.find_users("username", "alumno1")[0]
    alumno.lastlogin, alumno.currentlogin, alumno.lastip = 5, 6, "10.0.0.1"
    alumno.profile["runalumno"] = "changed"
    store.save_user(alumno)
    docente = store.find_users("username", "docente1")[0]
    store.save_user(replace(docente, email="new@example.com", username="docente9"))
    store.add_user(User(store.next_user_id(), "brandnew", email="brandnew@example.com"))
    course = store.courses()[1]
    for enrolment in store.enrolments_of_course(course.id):
        store.delete_enrolment(enrolment.userid, enrolment.courseid)
    store.save_enrolment(Enrolment(alumno.id, course.id, "teacher", timecreated=7))
    course.customfields["codsence"] = "0000000000"


def test_reset_after_changes_gives_back_the_scenario_world() -> None:
    tenant = Tenant("t1", load_scenario(DEMO))
    assert isinstance(tenant.store, MemoryStore)
    before = snapshot(tenant.store)
    change_everything(tenant.store)
    assert snapshot(tenant.store) != before
    tenant.reset()
    assert isinstance(tenant.store, MemoryStore)
    assert snapshot(tenant.store) == before


def test_a_tenants_changes_never_reach_another_tenant_or_the_base() -> None:
    loaded = load_scenario(DEMO)
    first, second = Tenant("a", loaded), Tenant("b", loaded)
    assert isinstance(first.store, MemoryStore) and isinstance(second.store, MemoryStore)
    world = _WORLDS.get(loaded.scenario)
    assert world is not None

    def base() -> list[Any]:
        users = [dataclasses.asdict(world.user(uid, 0)) for uid in world.user_ids]  # type: ignore[arg-type]
        courses = [dataclasses.asdict(world.course(cid, 0)) for cid in world.course_ids]  # type: ignore[arg-type]
        return [users, courses, list(world.by_user)]

    before = base()
    untouched = snapshot(second.store)
    change_everything(first.store)
    assert snapshot(second.store) == untouched
    assert base() == before
    assert _WORLDS.get(loaded.scenario) is world  # one base world for both tenants


def test_lookups_follow_the_overlay() -> None:
    store = build_store(load_scenario(DEMO).scenario, 1000)
    docente = store.find_users("username", "docente1")[0]
    assert docente.timecreated == docente.timemodified == 1000  # the generation's start, stamped
    store.save_user(replace(docente, email="moved@example.com", username="docente9"))
    assert store.find_users("username", "docente1") == []
    assert [u.id for u in store.find_users("username", "docente9")] == [docente.id]
    assert [u.id for u in store.find_users("email", "moved@example.com")] == [docente.id]
    assert store.user(docente.id) is store.user(docente.id)  # one object per generation
    count = store.user_count()
    assert count == len(store.users())
    new = store.add_user(User(store.next_user_id(), "zed"))
    assert store.user_ids()[-1] == new.id
    assert store.user_count() == count + 1 == len(store.users())
    assert store.next_user_id() == new.id + 1


def test_a_user_read_but_not_saved_is_found_under_its_saved_values() -> None:
    """A world user read in a generation is found through the world's index until saved; an
    in-place change is found only once saved (as before: the index holds saved values)."""
    store = build_store(load_scenario(DEMO).scenario, 1000)
    alumno = store.user(store.find_users("username", "alumno1")[0].id)
    assert alumno is not None
    assert [u.id for u in store.find_users("username", "alumno1")] == [alumno.id]
    alumno.username = "renamed"  # in place, not saved yet
    assert [u.id for u in store.find_users("username", "alumno1")] == [alumno.id]
    assert store.find_users("username", "renamed") == []
    store.save_user(alumno)
    assert store.find_users("username", "alumno1") == []
    assert [u.id for u in store.find_users("username", "renamed")] == [alumno.id]
    assert store.find_users("username", "renamed")[0] is alumno


def test_a_deleted_enrolment_stays_deleted_and_can_come_back() -> None:
    store = build_store(load_scenario(DEMO).scenario, 1000)
    enrolment = next(e for c in store.courses() for e in store.enrolments_of_course(c.id))
    store.delete_enrolment(enrolment.userid, enrolment.courseid)
    assert store.enrolment(enrolment.userid, enrolment.courseid) is None
    assert enrolment.courseid not in [e.courseid for e in store.enrolments_of_user(enrolment.userid)]
    assert enrolment.userid not in [e.userid for e in store.enrolments_of_course(enrolment.courseid)]
    store.save_enrolment(enrolment)
    assert store.enrolment(enrolment.userid, enrolment.courseid) is enrolment


def _listed(body: str) -> list[str]:
    return re.findall(r"course/view\.php\?id=(\d+)", body)


def test_front_page_lists_at_most_frontpagecourselimit_courses(inprocess: ServerFactory) -> None:
    courses = [{"shortname": f"c{i}", "fullname": f"Course {i}", "visible": i != 1} for i in range(5)]
    overrides: dict[str, Any] = {"courses": courses, "enrolments": [], "moodle": {"frontpagecourselimit": 2}}
    h = inprocess(overrides=overrides)
    visible = [str(c.id) for c in h.tenant.store.courses() if c.visible and c.id != 1]
    assert len(visible) >= 4
    assert _listed(h.client.get("/").text) == visible[:2]
    unlimited = inprocess(overrides={**overrides, "moodle": {"frontpagecourselimit": 0}})
    assert _listed(unlimited.client.get("/").text) == visible


def test_emails_are_found_case_folded_through_the_index() -> None:
    store = build_store(load_scenario(DEMO).scenario, 1000)
    alumno = store.find_users("username", "alumno1")[0]
    store.save_user(replace(alumno, email="Mixed.Case@Example.COM"))
    assert [u.id for u in store.find_users(FOLDED_EMAIL, "mixed.case@example.com")] == [alumno.id]
    assert store.find_users("email", "mixed.case@example.com") == []
    store.save_user(replace(alumno, email="other@example.com"))
    assert store.find_users(FOLDED_EMAIL, "mixed.case@example.com") == []
    new = store.add_user(User(store.next_user_id(), "zed", email="ZED@example.com"))
    assert [u.id for u in store.find_users(FOLDED_EMAIL, "zed@example.com")] == [new.id]
