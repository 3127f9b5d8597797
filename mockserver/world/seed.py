"""Build a fresh store from a validated scenario (what *reset* means)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from mockserver.sence.store import SenceMemoryStore, SenceStore
from mockserver.world.base import World, WorldCache
from mockserver.world.entities import (
    GUEST_USER_ID,
    SITE_COURSE_ID,
    Activity,
    AuthorisedUser,
    Category,
    CompletionRules,
    Course,
    Criterion,
    Enrolment,
    Service,
    Token,
    User,
    UserKey,
)
from mockserver.world.runtime import RuntimeState
from mockserver.world.spec import CourseSpec, EnrolmentSpec, Scenario
from mockserver.world.store import MemoryStore


def _timestamp(value: datetime | None) -> int | None:
    return int(value.timestamp()) if value else None


def build_store(
    scenario: Scenario,
    now: int,
    clock: Callable[[], float] | None = None,
    *,
    runtime: RuntimeState | None = None,
    sence: SenceStore | None = None,
    seed_runtime: bool = True,
    store_class: type[MemoryStore] = MemoryStore,
) -> MemoryStore:
    """The world at ``now``; its runtime state in memory, expiring on ``clock`` (the tenant's) within
    ``scenario.limits``, or in ``runtime``/``sence`` (a shared backend), seeded with the scenario's
    tokens and keys unless ``seed_runtime`` is False (another process already seeded that shared state)."""
    world = _WORLDS.get(scenario)
    if world is None:
        world = _build_world(scenario)
        _WORLDS.put(scenario, world)
    by_username = _Usernames(world)

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
    categories = [Category(1, "Category 1", sortorder=10000, timemodified=now)]
    categories = [c for c in categories if c.id not in {spec.id for spec in scenario.categories}]
    categories += [
        Category(c.id, c.name, c.parent, c.idnumber, c.description, c.visible, 10000 * (i + 2), c.theme, now)
        for i, c in enumerate(scenario.categories)
    ]
    store = store_class(
        (),
        (),
        (),
        services,
        tokens,  # SharedWorldStore keeps them itself (mockserver.stores.world)
        sence=sence
        if sence is not None
        else SenceMemoryStore(
            started=now,
            now=clock,
            limits=scenario.limits,
            pending_login_lifetime=scenario.sence.settings.pending_login_lifetime,
        ),
        categories=categories,
        runtime=runtime,
        now=clock,
        limits=scenario.limits,
        sessiontimeout=scenario.moodle.sessiontimeout,
        world=world,
        born=now,
    )
    if seed_runtime:
        for key in scenario.userkeys:
            store.add_user_key(UserKey(key.value, by_username[key.user], key.validuntil, key.iprestriction, now))
    return store


_WORLDS = WorldCache()


class _Usernames:
    """username -> user id through the world's index (a generation never builds a map of every user)."""

    def __init__(self, world: World) -> None:
        self._world = world

    def __getitem__(self, username: str) -> int:
        return self._world.ids_with("username", username)[0]


def _build_world(scenario: Scenario) -> World:
    """The scenario's users, courses and enrolments (the part every tenant shares; times stamped per copy)."""
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
                timecreated=0,
                timemodified=0,
                timezone=spec.timezone,
                description=spec.description,
                firstaccess=spec.firstaccess,
                lastaccess=spec.lastaccess,
                phone1=spec.phone1,
                phone2=spec.phone2,
                institution=spec.institution,
                department=spec.department,
                address=spec.address,
                interests=spec.interests,
                middlename=spec.middlename,
                alternatename=spec.alternatename,
                preferences=dict(spec.preferences),
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
                selfenrol=cspec.selfenrol,
                customfields=dict(cspec.customfields),
                format=cspec.format,
                lang=cspec.lang,
                enablecompletion=cspec.enablecompletion,
                timecreated=0,
                timemodified=0,
                activities=tuple(Activity(a.cmid, a.name, a.modname, a.tracked) for a in cspec.activities),
                completion=_completion(cspec),
            )
        )
    by_shortname = {c.shortname: c.id for c in courses}
    enrolments = [_enrolment(e, by_username[e.user], by_shortname[e.course]) for e in scenario.enrolments]

    return World(users, courses, enrolments)


_CRITERION_TYPES = {"self": 1, "date": 2, "activity": 4}


def _completion(spec: CourseSpec) -> CompletionRules | None:
    if spec.completion is None or not spec.completion.criteria:
        return None
    criteria = tuple(Criterion(_CRITERION_TYPES[c.type], c.cmid, c.date) for c in spec.completion.criteria)
    return CompletionRules(criteria, 1 if spec.completion.aggregation == "all" else 2)


def _enrolment(spec: EnrolmentSpec, userid: int, courseid: int) -> Enrolment:
    return Enrolment(
        userid,
        courseid,
        spec.role,
        method=spec.method,
        status=0 if spec.status == "active" else 1,
        timestart=spec.timestart,
        timeend=spec.timeend,
        lastaccess=spec.lastaccess,
        completed_activities=frozenset(spec.completed),
        selfcompleted=spec.selfcompleted,
        timecompleted=spec.timecompleted,
    )
