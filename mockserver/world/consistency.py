"""Cross-reference checks a schema cannot express (unknown usernames, duplicate ids...)."""

from __future__ import annotations

from collections import Counter
from operator import attrgetter

from mockserver.sence.consistency import check_sence
from mockserver.world.spec import Scenario

Loc = tuple[str | int, ...]
_USERNAME, _ID, _USER, _COURSE, _COMPLETED = map(attrgetter, ("username", "id", "user", "course", "completed"))


def check_references(scenario: Scenario) -> list[tuple[Loc, str]]:
    """Return (location, message) for every broken reference or duplicate."""
    problems: list[tuple[Loc, str]] = []

    def problem(key: str, message: str) -> None:
        problems.append((tuple(int(p) if p.isdigit() else p for p in key.split(".")), message))

    # The per-item loops over the large lists run only when a cheap whole-list check (C-level
    # passes) says some item is wrong: a world of 300,000 items is checked in a few passes.
    usernames = Counter(map(_USERNAME, scenario.users))
    user_ids = Counter(uid for uid in map(_ID, scenario.users) if uid is not None)
    suspect = len(usernames) < len(scenario.users) or any(n > 1 or uid < 2 for uid, n in user_ids.items())
    for i, user in enumerate(scenario.users if suspect else ()):
        if usernames[user.username] > 1:
            problem(f"users.{i}.username", f"username {user.username!r} is defined more than once")
        if user.id is not None and (user_ids[user.id] > 1 or user.id < 2):
            problem(f"users.{i}.id", f"user id {user.id} is duplicated or reserved (ids start at 2)")
    shortnames = Counter(c.shortname for c in scenario.courses)
    course_ids = Counter(c.id for c in scenario.courses if c.id is not None)
    for i, course in enumerate(scenario.courses):
        if shortnames[course.shortname] > 1:
            problem(f"courses.{i}.shortname", f"course shortname {course.shortname!r} is defined more than once")
        if course.id is not None and (course_ids[course.id] > 1 or course.id < 2):
            problem(f"courses.{i}.id", f"course id {course.id} is duplicated or reserved (1 is the site course)")
    referenced = (
        set(map(_USER, scenario.enrolments)) <= usernames.keys()
        and set(map(_COURSE, scenario.enrolments)) <= shortnames.keys()
    )
    for i, enrolment in enumerate(() if referenced else scenario.enrolments):
        if enrolment.user not in usernames:
            problem(f"enrolments.{i}.user", f"unknown user {enrolment.user!r}")
        if enrolment.course not in shortnames:
            problem(f"enrolments.{i}.course", f"unknown course {enrolment.course!r}")
    service_names = {s.name for s in scenario.services} | {s.shortname for s in scenario.services if s.shortname}
    for i, service in enumerate(scenario.services):
        for j, authorised in enumerate(service.authorisedusers):
            name = authorised if isinstance(authorised, str) else authorised.user
            if name not in usernames:
                problem(f"services.{i}.authorisedusers.{j}", f"unknown user {name!r}")
    tokens = Counter(t.token for t in scenario.tokens)
    for i, token in enumerate(scenario.tokens):
        if token.user not in usernames:
            problem(f"tokens.{i}.user", f"unknown user {token.user!r}")
        if token.service not in service_names:
            problem(f"tokens.{i}.service", f"unknown service {token.service!r}")
        if tokens[token.token] > 1:
            problem(f"tokens.{i}.token", "token is defined more than once")
    category_ids = Counter(c.id for c in scenario.categories)
    known_categories = set(category_ids) | {1}
    for i, category in enumerate(scenario.categories):
        if category_ids[category.id] > 1:
            problem(f"categories.{i}.id", f"category id {category.id} is defined more than once")
        if category.parent and category.parent not in known_categories:
            problem(f"categories.{i}.parent", f"unknown category {category.parent}")
    cmids: Counter[int] = Counter()
    for i, course in enumerate(scenario.courses):
        if course.category not in known_categories:
            problem(f"courses.{i}.category", f"unknown category {course.category}")
        cmids.update(a.cmid for a in course.activities)
        own = {a.cmid for a in course.activities}
        for j, criterion in enumerate(course.completion.criteria if course.completion else []):
            if criterion.type == "activity" and criterion.cmid not in own:
                problem(f"courses.{i}.completion.criteria.{j}.cmid", f"no activity {criterion.cmid} in this course")
    for i, course in enumerate(scenario.courses):
        for j, activity in enumerate(course.activities):
            if cmids[activity.cmid] > 1:
                problem(f"courses.{i}.activities.{j}.cmid", f"course module id {activity.cmid} is used more than once")
    activities = {c.shortname: {a.cmid for a in c.activities} for c in scenario.courses}
    for i, enrolment in enumerate(scenario.enrolments if any(map(_COMPLETED, scenario.enrolments)) else ()):
        for cmid in enrolment.completed:
            if cmid not in activities.get(enrolment.course, set()):
                problem(f"enrolments.{i}.completed", f"no activity {cmid} in course {enrolment.course!r}")
    pairs: Counter[tuple[str, str]] = Counter()
    if len(set(zip(map(_USER, scenario.enrolments), map(_COURSE, scenario.enrolments), strict=True))) < len(
        scenario.enrolments
    ):
        pairs = Counter((e.user, e.course) for e in scenario.enrolments)
    for i, enrolment in enumerate(scenario.enrolments if pairs else ()):
        if pairs[(enrolment.user, enrolment.course)] > 1:
            problem(f"enrolments.{i}", f"user {enrolment.user!r} is enrolled in {enrolment.course!r} more than once")
    keys = Counter(k.value for k in scenario.userkeys)
    for i, key in enumerate(scenario.userkeys):
        if key.user not in usernames:
            problem(f"userkeys.{i}.user", f"unknown user {key.user!r}")
        if keys[key.value] > 1:
            problem(f"userkeys.{i}.value", "login key is defined more than once")
    problems.extend(check_sence(scenario.sence))
    return problems
