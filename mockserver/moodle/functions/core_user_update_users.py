"""``core_user_update_users`` (moodle-webservice.md §4.3): since 4.0 each user is its own transaction
and a failure becomes a warning."""

from __future__ import annotations

from typing import Any

from mockserver.moodle.domain.capabilities import require_capability
from mockserver.moodle.domain.users import email_taken, password_policy_errors, save_profile, username_taken
from mockserver.moodle.errors import MoodleException
from mockserver.moodle.functions.core_user_create_users import user_fields
from mockserver.moodle.params import validate_email
from mockserver.moodle.site import Site
from mockserver.moodle.webservice.description import OPTIONAL, Multiple, Single, Value
from mockserver.moodle.webservice.registry import Call, ExternalFunction
from mockserver.moodle.webservice.structures import warnings_structure
from mockserver.world.entities import GUEST_USER_ID, User

_TEXT_COLUMNS = (
    "username", "auth", "password", "firstname", "lastname", "email", "city", "country", "timezone",
    "description", "firstnamephonetic", "lastnamephonetic", "middlename", "alternatename", "interests",
    "idnumber", "institution", "department", "phone1", "phone2", "address", "lang", "calendartype", "theme",
)  # fmt: skip
_INT_COLUMNS = ("maildisplay", "mailformat")


_SUSPENDED = Value("bool", "Suspend user account, either false to enable user login or true to disable it", OPTIONAL)
_USERPICTURE = Value("int", "The itemid where the new user picture has been uploaded to, 0 to delete", OPTIONAL)


def _optional(description: Value | Single | Multiple) -> Value | Single | Multiple:
    if isinstance(description, Value):
        return Value(description.type, description.desc, OPTIONAL)
    if isinstance(description, Multiple):
        return Multiple(description.content, description.desc, OPTIONAL)
    return description


def parameters(site: Site) -> Single:
    """Create's fields, all optional, plus ``id``, ``suspended`` and ``userpicture`` at 4.1's places."""
    keys: dict[str, Value | Single | Multiple] = {"id": Value("int", "ID of the user")}
    for name, description in user_fields(site).items():
        if name == "createpassword":
            continue
        if name == "password":
            keys["suspended"] = _SUSPENDED
        keys[name] = _optional(description)
        if name == "description":
            keys["userpicture"] = _USERPICTURE
    return Single({"users": Multiple(Single(keys))})


class _UserNotUpdated(MoodleException):
    """``new moodle_exception($code, '', '', null, $debuginfo)`` inside the per-user transaction."""

    def __init__(self, errorcode: str, debuginfo: str) -> None:
        super().__init__(errorcode, "error", None, debuginfo)


def _update_one(call: Call, data: dict[str, Any]) -> None:
    site = call.site
    existing = site.store.user(data["id"])
    if existing is None:
        raise _UserNotUpdated("invaliduserid", "Invalid user ID")
    if existing.id != call.user.id and existing.siteadmin and not call.user.siteadmin:
        raise _UserNotUpdated("usernotupdatedadmin", "Cannot update admin accounts")
    if existing.deleted:
        raise _UserNotUpdated("usernotupdateddeleted", "User is a deleted user")
    if existing.id == GUEST_USER_ID:
        raise _UserNotUpdated("usernotupdatedguest", "Cannot update guest account")
    email = data.get("email")
    if email is not None and email != existing.email:
        if not validate_email(email):
            raise _UserNotUpdated("useremailinvalid", "Invalid email address")
        if not site.cfg.allowaccountssameemail and email_taken(site, email, existing.id, any_case=True):
            raise _UserNotUpdated("useremailduplicate", "Duplicate email address")
    password = data.get("password")
    if password:
        errors = password_policy_errors(site, password)
        if errors:
            raise MoodleException(errors, "error")
    if "username" in data and data["username"] != existing.username and username_taken(site, data["username"]):
        raise MoodleException("dmlwriteexception", "error")  # the unique index on (mnethostid, username)
    _save(site, existing, data)


def _save(site: Site, existing: User, data: dict[str, Any]) -> None:
    changes: dict[str, Any] = {name: str(data[name]) for name in _TEXT_COLUMNS if name in data}
    changes.update({name: int(data[name]) for name in _INT_COLUMNS if name in data})
    if "suspended" in data:
        changes["suspended"] = bool(data["suspended"])
    if "customfields" in data:
        changes["profile"] = {**existing.profile, **{str(f["type"]): str(f["value"]) for f in data["customfields"]}}
    if "preferences" in data:
        changes["preferences"] = {
            **existing.preferences,
            **{str(p["type"]): str(p["value"]) for p in data["preferences"]},
        }
    save_profile(site, existing, changes)
    if data.get("suspended"):
        # kill_user_sessions(): a suspended user is logged out everywhere at once.
        for session in site.store.sessions_of_user(existing.id):
            site.store.delete_session(session.sid)


def execute(call: Call, params: dict[str, Any]) -> dict[str, Any]:
    require_capability(call.user, "moodle/user:update")
    warnings = []
    for data in params["users"]:
        try:
            _update_one(call, data)
        except MoodleException as error:
            warnings.append(
                {
                    "item": "user",
                    "itemid": data["id"],
                    "warningcode": error.errorcode,
                    "message": error.message(call.lang, call.site.debug),
                }
            )
    return {"warnings": warnings}


UPDATE_USERS = ExternalFunction(
    name="core_user_update_users",
    component="core_user",
    parameters=parameters,
    returns=Single({"warnings": warnings_structure()}),
    execute=execute,
)

FUNCTIONS = (UPDATE_USERS,)
