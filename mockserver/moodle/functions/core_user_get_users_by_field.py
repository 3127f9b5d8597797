"""``core_user_get_users_by_field`` (moodle-webservice.md §4.1)."""

from __future__ import annotations

from typing import Any

from mockserver.moodle.domain.users import may_see_user, php_loose_equal, user_details
from mockserver.moodle.errors import CodingException, InvalidParameterException, MissingRecordException
from mockserver.moodle.site import Site
from mockserver.moodle.webservice.description import Multiple, Single, Value
from mockserver.moodle.webservice.registry import Call, ExternalFunction
from mockserver.moodle.webservice.structures import user_description

FIELD_TYPES = {"id": "int", "idnumber": "raw", "username": "username", "email": "raw_trimmed"}
"""The searchable fields and ``core_user::get_property_type()`` of each."""


def parameters(_site: Site) -> Single:
    return Single(
        {
            "field": Value("alpha", "the search field can be 'id' or 'idnumber' or 'username' or 'email'"),
            "values": Multiple(Value("raw", "the value to match")),
        }
    )


def execute(call: Call, params: dict[str, Any]) -> list[dict[str, Any]]:
    site, field = call.site, params["field"]
    if field not in FIELD_TYPES:
        raise CodingException(
            "invalid field parameter",
            f"The search field '{field}' is not supported, look at the web service documentation",
        )
    values: list[str] = []
    for value in params["values"]:
        cleaned = site.cleaner.clean(value, FIELD_TYPES[field])
        if not php_loose_equal(value, cleaned):
            raise InvalidParameterException(f"The field '{field}' value is invalid: {value}(cleaned value: {cleaned})")
        values.append(str(cleaned))
    found = {}
    for value in values:
        if field == "id":
            user = site.store.user(int(value))
            matches = [user] if user is not None else []
        else:
            matches = site.store.find_users(field, value)
        for user in matches:
            found[user.id] = user
    result = []
    for user in sorted(found.values(), key=lambda u: u.id):
        if user.deleted:
            # A deleted user's context is gone: context_user::instance(MUST_EXIST) fails the call.
            raise MissingRecordException("invaliduser", "error")
        if not may_see_user(call.user, user):
            continue
        details = user_details(site, call.user, user)
        if details.get(field) not in (None, "", 0):
            result.append(details)
    return result


GET_USERS_BY_FIELD = ExternalFunction(
    name="core_user_get_users_by_field",
    component="core_user",
    parameters=parameters,
    returns=Multiple(user_description()),
    execute=execute,
)

FUNCTIONS = (GET_USERS_BY_FIELD,)
