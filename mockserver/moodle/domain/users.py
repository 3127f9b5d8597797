"""Users: who may see what of a user (``user_get_user_details``), uniqueness, password policy, and the
create/update rules that ``core_user_*`` and auth_userkey's createuser/updateuser share."""

from __future__ import annotations

import re
from dataclasses import replace
from typing import Any

from mockserver.moodle.domain.formatting import format_string
from mockserver.moodle.errors import DmlWriteException, MoodleException
from mockserver.moodle.site import Site
from mockserver.world.base import FOLDED_EMAIL
from mockserver.world.entities import ROLE_IDS, Course, User

_PHP_NUMERIC = re.compile(r"[ \t\n\r\v\f]*[+-]?([0-9]+(\.[0-9]*)?|\.[0-9]+)([eE][+-]?[0-9]+)?[ \t\n\r\v\f]*")

INTERNAL_AUTH = ("manual", "email")
"""Auth plugins whose ``is_internal()`` is true: they keep a password in Moodle."""
REFUSED_AUTH = ("mnet", "webservice")
"""Auth types ``core_user_create_users`` refuses even when installed."""


def php_loose_equal(new: Any, old: Any) -> bool:
    """PHP 8 ``==`` between two strings: numeric strings compare as numbers, others exactly."""
    if new is None:
        return old in (None, "")
    a, b = str(new), str(old)
    if _PHP_NUMERIC.fullmatch(a) and _PHP_NUMERIC.fullmatch(b):
        return float(a) == float(b)
    return a == b


def email_taken(site: Site, email: str, exclude: int | None = None, *, any_case: bool = False) -> bool:
    """An account other than ``exclude`` has this email; ``any_case`` as core's ``sql_equal(..., false)``."""
    exact = any(u.id != exclude for u in site.store.find_users("email", email))
    if exact or not any_case:
        return exact
    # the store's index of folded emails: no walk of every user
    return any(u.id != exclude for u in site.store.find_users(FOLDED_EMAIL, email.casefold()) if u.email)


def created_users_room(site: Site) -> int:
    """How many more users may be created at run time (``limits.created_users``).

    Real Moodle has no cap; a test server must not grow without one. Counted from the store, so
    every backend (and every worker of a shared store, once it caught up) applies it.
    """
    seeded = len(site.scenario.users) + 1  # the scenario's users and the guest user (mockserver.world.seed)
    return site.scenario.limits.created_users - (site.store.user_count() - seeded)  # a count, not a walk


def created_users_exhausted(site: Site) -> DmlWriteException:
    """The insert past the cap fails as a full database makes it fail in Moodle; the debuginfo
    names the limit. Created users are never evicted (a user the client made must not vanish)."""
    cap = site.scenario.limits.created_users
    return DmlWriteException(
        f"mock server limit: limits.created_users = {cap} users created at run time in this tenant "
        "(docs/scenarios.md#limits)"
    )


def check_created_users(site: Site) -> None:
    """Before inserting one user created at run time."""
    if created_users_room(site) < 1:
        raise created_users_exhausted(site)


def username_taken(site: Site, username: str | None, exclude: int | None = None) -> bool:
    return username is not None and any(u.id != exclude for u in site.store.find_users("username", username))


def password_policy_errors(site: Site, password: str) -> str:
    """``check_password_policy()``: the failed rules as ``<div>…</div>`` lines; '' when it passes."""
    cfg = site.cfg
    if not cfg.passwordpolicy:
        return ""
    rules = (
        (len(password) < cfg.minpasswordlength, f"Passwords must be at least {cfg.minpasswordlength} characters long."),
        (
            len(re.findall(r"[0-9]", password)) < cfg.minpassworddigits,
            f"Passwords must have at least {cfg.minpassworddigits} digit(s).",
        ),
        (
            len(re.findall(r"[a-z]", password)) < cfg.minpasswordlower,
            f"Passwords must have at least {cfg.minpasswordlower} lower case letter(s).",
        ),
        (
            len(re.findall(r"[A-Z]", password)) < cfg.minpasswordupper,
            f"Passwords must have at least {cfg.minpasswordupper} upper case letter(s).",
        ),
        (
            len(re.findall(r"[^a-zA-Z0-9]", password)) < cfg.minpasswordnonalphanum,
            f"The password must have at least {cfg.minpasswordnonalphanum} special character(s) such as *, -, or #.",
        ),
        (
            cfg.maxconsecutiveidentchars > 0 and _longest_run(password) > cfg.maxconsecutiveidentchars,
            f"Passwords must have at most {cfg.maxconsecutiveidentchars} consecutive identical characters.",
        ),
    )
    return "".join(f"<div>{text}</div>" for failed, text in rules if failed)


def _longest_run(text: str) -> int:
    longest = run = 0
    previous = None
    for char in text:
        run = run + 1 if char == previous else 1
        previous = char
        longest = max(longest, run)
    return longest


def check_password_policy(site: Site, password: str) -> None:
    """``user_create_user``: a failing password is a ``moodle_exception`` whose errorcode is the policy HTML."""
    errors = password_policy_errors(site, password)
    if errors:
        raise MoodleException(errors, "error")


def save_profile(site: Site, user: User, changes: dict[str, Any]) -> User:
    """Write changed user columns (``user_update_user``), keeping the store's indexes right."""
    updated = replace(user, **changes, timemodified=site.clock.time())
    site.store.save_user(updated)
    return updated


# ---- what a caller may see of a user -------------------------------------------------------------


def picture_urls(site: Site) -> tuple[str, str]:
    """Default picture (no upload): f1 is 100px (profileimageurl), f2 is 35px (profileimageurlsmall)."""
    base = f"{site.wwwroot}/theme/image.php/boost/core/1/u"
    return f"{base}/f1", f"{base}/f2"


def custom_fields(site: Site, user: User) -> list[dict[str, Any]]:
    """Profile fields with a value, in the order the scenario declares them (then any undeclared)."""
    declared = {f.shortname: f for f in site.scenario.profilefields}
    order = [f.shortname for f in site.scenario.profilefields] + sorted(set(user.profile) - set(declared))
    fields = []
    for shortname in order:
        value = user.profile.get(shortname, "")
        if value == "":
            continue
        spec = declared.get(shortname)
        fields.append(
            {
                "type": spec.datatype if spec else "text",
                "value": value,
                "name": (spec.name or shortname) if spec else shortname,
                "shortname": shortname,
            }
        )
    return fields


def user_details(site: Site, caller: User, user: User, course: Course | None = None) -> dict[str, Any]:
    """``user_get_user_details()`` for the fields web services ask for (system or course profile)."""
    current = caller.id == user.id
    admin = caller.siteadmin
    all_details = current or caller.has_capability("moodle/user:viewalldetails")
    hidden_fields = admin or caller.has_capability("moodle/user:viewhiddendetails")
    large, small = picture_urls(site)
    details: dict[str, Any] = {"id": user.id}
    if all_details:
        details["username"] = user.username
    details["firstname"] = user.firstname
    details["lastname"] = user.lastname
    details["fullname"] = user.fullname
    fields = custom_fields(site, user)
    if fields:
        details["customfields"] = fields
    details["profileimageurlsmall"] = small
    details["profileimageurl"] = large
    if hidden_fields and user.address:
        details["address"] = user.address
    for phone in ("phone1", "phone2"):
        if hidden_fields and getattr(user, phone):
            details[phone] = getattr(user, phone)
    details["description"] = user.description
    details["descriptionformat"] = user.descriptionformat
    if user.country:
        details["country"] = user.country
    if user.city:
        details["city"] = user.city
    details["suspended"] = user.suspended
    details["firstaccess"] = user.firstaccess
    details["lastaccess"] = user.lastaccess
    if admin or current or all_details or user.maildisplay == 1:
        details["email"] = user.email
    if user.interests:
        details["interests"] = user.interests
    if user.idnumber and all_details:
        details["idnumber"] = user.idnumber
    if user.institution and all_details:
        details["institution"] = user.institution
    if all_details:
        details["department"] = user.department
    if course is not None:
        enrolment = site.store.enrolment(user.id, course.id)
        details["roles"] = [role_record(enrolment.role)] if enrolment else []
        details["groups"] = []
    courses = enrolled_course_list(site, user)
    if courses:
        details["enrolledcourses"] = courses
    if current:
        details["preferences"] = [{"name": k, "value": v} for k, v in sorted(user.preferences.items())]
    if all_details:
        details.update(
            auth=user.auth,
            confirmed=user.confirmed,
            lang=user.lang,
            theme=user.theme,
            timezone=user.timezone,
            mailformat=user.mailformat,
        )
    return details


def role_record(shortname: str) -> dict[str, Any]:
    """A standard role as ``get_user_roles`` gives it: stock roles have an empty ``name``."""
    roleid = ROLE_IDS.get(shortname, 5)
    return {"roleid": roleid, "name": "", "shortname": shortname, "sortorder": roleid}


def enrolled_course_list(site: Site, user: User) -> list[dict[str, Any]]:
    """``enrolledcourses``: the user's active enrolments (``enrol_get_users_courses($id, true)``)."""
    from mockserver.moodle.domain.enrolments import active_courses

    return [
        {"id": c.id, "fullname": format_string(c.fullname), "shortname": format_string(c.shortname)}
        for c in active_courses(site, user.id)
    ]


def may_see_user(caller: User, user: User) -> bool:
    """``user_get_user_details_courses()`` returns something: the caller may view user details."""
    return caller.id == user.id or caller.has_capability("moodle/user:viewdetails") or caller.siteadmin
