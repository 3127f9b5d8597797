"""Build a fresh store from a validated scenario (what *reset* means)."""

from __future__ import annotations

from datetime import datetime

from mockserver.sence.store import SenceMemoryStore
from mockserver.world.entities import (
    GUEST_USER_ID,
    SITE_COURSE_ID,
    AuthorisedUser,
    Course,
    Enrolment,
    Service,
    Token,
    User,
)
from mockserver.world.spec import Scenario
from mockserver.world.store import MemoryStore


def _timestamp(value: datetime | None) -> int | None:
    return int(value.timestamp()) if value else None


def build_store(scenario: Scenario, now: int) -> MemoryStore:
    site_lang = scenario.moodle.lang
    users = [User(GUEST_USER_ID, "guest", firstname="Guest user", lastname=" ", auth="manual", lang=site_lang)]
    next_id = max([u.id for u in scenario.users if u.id is not None] + [1]) + 1
    for spec in scenario.users:
        if spec.id is None:
            uid, next_id = next_id, next_id + 1
        else:
            uid = spec.id
        users.append(
            User(
                id=uid,
                username=spec.username,
                password=spec.password,
                firstname=spec.firstname,
                lastname=spec.lastname,
                email=spec.email,
                idnumber=spec.idnumber,
                auth=spec.auth,
                lang=spec.lang or site_lang,
                city=spec.city,
                country=spec.country,
                suspended=spec.suspended,
                deleted=spec.deleted,
                confirmed=spec.confirmed,
                siteadmin=spec.siteadmin,
                capabilities=frozenset(spec.capabilities),
                profile=dict(spec.profile),
                timecreated=now,
            )
        )
    by_username = {u.username: u.id for u in users}

    courses = [Course(SITE_COURSE_ID, "site", scenario.moodle.sitename, category=0)]
    next_course = max([c.id for c in scenario.courses if c.id is not None] + [1]) + 1
    for cspec in scenario.courses:
        if cspec.id is None:
            cid, next_course = next_course, next_course + 1
        else:
            cid = cspec.id
        courses.append(
            Course(
                id=cid,
                shortname=cspec.shortname,
                fullname=cspec.fullname,
                category=cspec.category,
                visible=cspec.visible,
                summary=cspec.summary,
                idnumber=cspec.idnumber,
                startdate=cspec.startdate,
                enddate=cspec.enddate,
                manualenrol=cspec.manualenrol,
                customfields=dict(cspec.customfields),
            )
        )
    by_shortname = {c.shortname: c.id for c in courses}
    enrolments = [Enrolment(by_username[e.user], by_shortname[e.course], e.role) for e in scenario.enrolments]

    services = []
    service_ids: dict[str, int] = {}
    for sid, sspec in enumerate(scenario.services, start=1):
        authorised = {}
        for entry in sspec.authorisedusers:
            if isinstance(entry, str):
                authorised[by_username[entry]] = AuthorisedUser(by_username[entry])
            else:
                uid = by_username[entry.user]
                authorised[uid] = AuthorisedUser(uid, _timestamp(entry.validuntil), entry.iprestriction)
        services.append(
            Service(
                id=sid,
                name=sspec.name,
                shortname=sspec.shortname,
                enabled=sspec.enabled,
                restrictedusers=sspec.restrictedusers,
                requiredcapability=sspec.requiredcapability,
                downloadfiles=sspec.downloadfiles,
                uploadfiles=sspec.uploadfiles,
                functions=tuple(sspec.functions),
                authorised=authorised,
            )
        )
        service_ids[sspec.name] = sid
        if sspec.shortname:
            service_ids.setdefault(sspec.shortname, sid)
    tokens = [
        Token(t.token, by_username[t.user], service_ids[t.service], _timestamp(t.validuntil), t.iprestriction, now)
        for t in scenario.tokens
    ]
    return MemoryStore(users, courses, enrolments, services, tokens, sence=SenceMemoryStore(started=now))
