"""``auth_userkey_request_login_url`` (auth-userkey.md §2)."""

from __future__ import annotations

from functools import lru_cache
from typing import Any

from mockserver.moodle.errors import RequiredCapabilityException, WebserviceAccessException
from mockserver.moodle.lang import get_string
from mockserver.moodle.plugins.auth_userkey.keys import get_login_url, mapping_field
from mockserver.moodle.plugins.auth_userkey.settings import config
from mockserver.moodle.site import Site
from mockserver.moodle.webservice.description import OPTIONAL, Single, Value
from mockserver.moodle.webservice.registry import Call, ExternalFunction

_MAPPING_KEYS = {
    "email": Value("email", "A valid email address"),
    "username": Value("username", "Username"),
    "idnumber": Value("raw", "An arbitrary ID code number perhaps from the institution"),
}


def parameters(site: Site) -> Single:
    """The ``user`` structure follows the current settings (built once per combination)."""
    settings = config(site)
    return _parameters(mapping_field(site), settings.iprestriction_on, settings.createuser or settings.updateuser)


@lru_cache(maxsize=64)
def _parameters(field: str, iprestriction_on: bool, provisions: bool) -> Single:
    keys: dict[str, Any] = {}
    if field in _MAPPING_KEYS:
        keys[field] = _MAPPING_KEYS[field]
    if iprestriction_on:
        keys["ip"] = Value("host", "User IP address")
    if provisions:
        keys["firstname"] = Value("notags", "The first name(s) of the user", OPTIONAL)
        keys["lastname"] = Value("notags", "The family name of the user", OPTIONAL)
        if field != "email":
            keys["email"] = Value("raw_trimmed", "A valid and unique email address", OPTIONAL)
        if field != "username":
            keys["username"] = Value("username", "A valid and unique username", OPTIONAL)
    return Single({"user": Single(keys, "User")})


def execute(call: Call, params: dict[str, Any]) -> dict[str, str]:
    site = call.site
    if not site.auth_enabled("userkey"):
        raise WebserviceAccessException(get_string("pluginisdisabled", "auth_userkey"))
    if not call.user.has_capability("auth/userkey:generatekey"):
        raise RequiredCapabilityException("auth/userkey:generatekey")
    return {"loginurl": get_login_url(site, params["user"])}


RETURNS = Single({"loginurl": Value("raw", "Login URL for a user to log in")})
RETURNS_URL = Single({"loginurl": Value("url", "Login URL for a user to log in")})


def returns(site: Site) -> Single:
    """PARAM_RAW since 2018012901, PARAM_URL before (a URL failing it is an invalid response)."""
    return RETURNS_URL if config(site).loginurl_return_type == "url" else RETURNS


REQUEST_LOGIN_URL = ExternalFunction(
    name="auth_userkey_request_login_url",
    component="auth_userkey",
    parameters=parameters,
    returns=RETURNS,
    execute=execute,
    returns_for=returns,
)

FUNCTIONS = (REQUEST_LOGIN_URL,)
