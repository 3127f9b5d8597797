"""``core_user_create_users`` (moodle-webservice.md §4.2): one transaction, first error aborts it."""

from __future__ import annotations

import secrets
from typing import Any

from mockserver.moodle.domain.capabilities import require_capability
from mockserver.moodle.domain.users import (
    INTERNAL_AUTH,
    REFUSED_AUTH,
    check_password_policy,
    created_users_exhausted,
    created_users_room,
    email_taken,
    username_taken,
)
from mockserver.moodle.errors import InvalidParameterException
from mockserver.moodle.lang import INSTALLED_LANGUAGES
from mockserver.moodle.params import validate_email
from mockserver.moodle.site import Site
from mockserver.moodle.webservice.description import DEFAULT, OPTIONAL, Multiple, Single, Value
from mockserver.moodle.webservice.registry import Call, ExternalFunction
from mockserver.world.entities import User

THEMES = ("boost", "classic")


def user_fields(site: Site) -> dict[str, Value | Single | Multiple]:
    """The ``users`` item of 4.1's ``create_users_parameters()``, in its key order."""
    return {
        "createpassword": Value("bool", "True if password should be created and mailed to user.", OPTIONAL),
        "username": Value("username", "Username policy is defined in Moodle security config."),
        "auth": Value("auth", "Auth plugins include manual, ldap, etc", DEFAULT, "manual"),
        "password": Value("raw", "Plain text password consisting of any characters", OPTIONAL),
        "firstname": Value("notags", "The first name(s) of the user"),
        "lastname": Value("notags", "The family name of the user"),
        "email": Value("raw_trimmed", "A valid and unique email address"),
        "maildisplay": Value("int", "Email visibility", OPTIONAL),
        "city": Value("text", "Home city of the user", OPTIONAL),
        "country": Value("alpha", "Home country code of the user, such as AU or CZ", OPTIONAL),
        "timezone": Value("timezone", "Timezone code such as Australia/Perth, or 99 for default", OPTIONAL),
        "description": Value("raw", "User profile description, no HTML", OPTIONAL),
        "firstnamephonetic": Value("notags", "The first name(s) phonetically of the user", OPTIONAL),
        "lastnamephonetic": Value("notags", "The family name phonetically of the user", OPTIONAL),
        "middlename": Value("notags", "The middle name of the user", OPTIONAL),
        "alternatename": Value("notags", "The alternate name of the user", OPTIONAL),
        "interests": Value("text", "User interests (separated by commas)", OPTIONAL),
        "idnumber": Value("raw", "An arbitrary ID code number perhaps from the institution", DEFAULT, ""),
        "institution": Value("text", "institution", OPTIONAL),
        "department": Value("text", "department", OPTIONAL),
        "phone1": Value("notags", "Phone 1", OPTIONAL),
        "phone2": Value("notags", "Phone 2", OPTIONAL),
        "address": Value("text", "Postal address", OPTIONAL),
        "lang": Value("lang", 'Language code such as "en", must exist on server', DEFAULT, site.site_lang()),
        "calendartype": Value(
            "plugin", 'Calendar type such as "gregorian", must exist on server', DEFAULT, "gregorian"
        ),
        "theme": Value("theme", 'Theme name such as "standard", must exist on server', OPTIONAL),
        "mailformat": Value("int", "Mail format code is 0 for plain text, 1 for HTML etc", OPTIONAL),
        "customfields": Multiple(
            Single(
                {
                    "type": Value("alphanumext", "The name of the custom field"),
                    "value": Value("raw", "The value of the custom field"),
                }
            ),
            "User custom fields (also known as user profil fields)",
            OPTIONAL,
        ),
        "preferences": Multiple(
            Single(
                {
                    "type": Value("raw", "The name of the preference"),
                    "value": Value("raw", "The value of the preference"),
                }
            ),
            "User preferences",
            OPTIONAL,
        ),
    }


def parameters(site: Site) -> Single:
    return Single({"users": Multiple(Single(user_fields(site)))})


def _check(site: Site, data: dict[str, Any], pending: list[User]) -> None:
    """The checks of §4.2 in their order; ``pending`` are the users this call already created."""
    for name in ("username", "firstname", "lastname"):
        if str(data.get(name, "")).strip() == "":
            raise InvalidParameterException(f"The field {name} cannot be blank")
    username = data["username"]
    if username_taken(site, username) or any(u.username == username for u in pending):
        raise InvalidParameterException(f"Username already exists: {username}")
    auth = data["auth"]
    if auth in REFUSED_AUTH or site.cleaner.clean(auth, "auth") != auth:
        raise InvalidParameterException(f"Invalid authentication type: {auth}")
    if data["lang"] not in INSTALLED_LANGUAGES:
        raise InvalidParameterException(f"Invalid language code: {data['lang']}")
    if data.get("theme") and data["theme"] not in THEMES:
        raise InvalidParameterException(f"Invalid theme: {data['theme']}")
    if auth in INTERNAL_AUTH and not data.get("createpassword") and not data.get("password"):
        raise InvalidParameterException("Invalid password: you must provide a password, or set createpassword.")
    email = data["email"]
    if not validate_email(email):
        raise InvalidParameterException(f"Email address is invalid: {email}")
    if not site.cfg.allowaccountssameemail:
        folded = email.casefold()
        if email_taken(site, email, any_case=True) or any(u.email.casefold() == folded for u in pending):
            raise InvalidParameterException(f"Email address already exists: {email}")


def _new_user(site: Site, userid: int, data: dict[str, Any]) -> User:
    if data.get("createpassword"):
        password = secrets.token_urlsafe(12)  # generate_password(): mailed to the user, never returned
    else:
        password = str(data.get("password", ""))
        if password:
            check_password_policy(site, password)
    now = site.clock.time()
    profile = {str(f["type"]): str(f["value"]) for f in data.get("customfields", [])}
    preferences = {str(p["type"]): str(p["value"]) for p in data.get("preferences", [])}
    if data.get("createpassword"):
        preferences["auth_forcepasswordchange"] = "1"
    optional = (
        "city", "country", "description", "firstnamephonetic", "lastnamephonetic", "middlename",
        "alternatename", "interests", "institution", "department", "phone1", "phone2", "address",
    )  # fmt: skip
    user = User(
        id=userid,
        username=data["username"],
        password=password,
        firstname=data["firstname"],
        lastname=data["lastname"],
        email=data["email"],
        idnumber=data["idnumber"],
        auth=data["auth"],
        lang=data["lang"],
        calendartype=data["calendartype"],
        confirmed=True,
        timecreated=now,
        timemodified=now,
        timezone=str(data.get("timezone", "99")),
        theme=str(data.get("theme", "")),
        maildisplay=int(data.get("maildisplay", 2)),
        mailformat=int(data.get("mailformat", 1)),
        profile=profile,
        preferences=preferences,
    )
    for name in optional:
        if name in data:
            setattr(user, name, str(data[name]))
    return user


def execute(call: Call, params: dict[str, Any]) -> list[dict[str, Any]]:
    site = call.site
    require_capability(call.user, "moodle/user:create")
    pending: list[User] = []
    next_id = site.store.next_user_id()
    room = created_users_room(site)
    for data in params["users"]:
        _check(site, data, pending)
        if len(pending) >= room:  # user_create_user()'s insert fails: the transaction rolls back
            raise created_users_exhausted(site)
        pending.append(_new_user(site, next_id + len(pending), data))
    # Every user passed: the transaction commits.
    for user in pending:
        site.store.add_user(user)
    return [{"id": u.id, "username": u.username} for u in pending]


CREATE_USERS = ExternalFunction(
    name="core_user_create_users",
    component="core_user",
    parameters=parameters,
    returns=Multiple(Single({"id": Value("int", "user id"), "username": Value("username", "user name")})),
    execute=execute,
)

FUNCTIONS = (CREATE_USERS,)
