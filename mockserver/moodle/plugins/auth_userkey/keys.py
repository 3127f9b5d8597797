"""auth_userkey's domain: mapping field, user lookup/create/update and one-time keys."""

from __future__ import annotations

import base64
import hashlib
from dataclasses import replace
from functools import lru_cache
from typing import Any

from mockserver.moodle.domain.users import check_created_users, email_taken, php_loose_equal, username_taken
from mockserver.moodle.errors import InvalidParameterException
from mockserver.moodle.params import php_empty, php_intval, validate_email
from mockserver.moodle.plugins.auth_userkey.settings import config
from mockserver.moodle.site import Site
from mockserver.randombytes import random_bytes
from mockserver.world.entities import User, UserKey

DEFAULT_MAPPING_FIELD = "email"
KEY_SCRIPT = "auth/userkey"
_CREATE_REQUIRED = ("username", "email", "firstname", "lastname")
_PROFILE_FIELDS = ("firstname", "lastname", "email", "username", "idnumber")


def mapping_field(site: Site) -> str:
    """``get_mapping_field()``: the setting, or 'email' when it is empty or '0'."""
    value = config(site).mappingfield
    return DEFAULT_MAPPING_FIELD if php_empty(value) else value


@lru_cache(maxsize=64)
def _lifetime(setting: int | str) -> int:
    lifetime = php_intval(str(setting))
    return lifetime if lifetime > 0 else 60


def key_lifetime(site: Site) -> int:
    return _lifetime(config(site).keylifetime)


def _validate_user_data(site: Site, data: dict[str, Any]) -> None:
    field = mapping_field(site)
    if php_empty(data.get(field)):
        raise InvalidParameterException(f'Required field "{field}" is not set or empty.')
    if config(site).iprestriction_on and "ip" not in data:
        raise InvalidParameterException('Required parameter "ip" is not set.')


def _create_user(site: Site, data: dict[str, Any]) -> User:
    missing = [name for name in _CREATE_REQUIRED if php_empty(data.get(name))]
    if missing:
        raise InvalidParameterException(f"Unable to create user, missing value(s): {','.join(missing)}")
    if username_taken(site, data["username"]):
        raise InvalidParameterException(f"Username already exists: {data['username']}")
    if not validate_email(data["email"]):
        raise InvalidParameterException(f"Email address is invalid: {data['email']}")
    if not site.cfg.allowaccountssameemail and email_taken(site, data["email"]):
        raise InvalidParameterException(f"Email address already exists: {data['email']}")
    check_created_users(site)  # user_create_user()'s insert
    user = User(
        id=site.store.next_user_id(),
        username=str(data["username"]),
        firstname=str(data["firstname"]),
        lastname=str(data["lastname"]),
        email=str(data["email"]),
        idnumber=str(data.get("idnumber", "")),
        auth="userkey",
        confirmed=True,
        lang=site.site_lang(),
        timecreated=site.clock.time(),
    )
    return site.store.add_user(user)


def _update_user(site: Site, user: User, data: dict[str, Any]) -> User:
    changes = {name: data[name] for name in _PROFILE_FIELDS if name in data}
    changes["auth"] = "userkey"
    if all(php_loose_equal(value, getattr(user, name)) for name, value in changes.items()):
        return user
    username = changes.get("username")
    if username is not None and not php_loose_equal(username, user.username) and username_taken(site, username):
        raise InvalidParameterException(f"Username already exists: {username}")
    email = changes.get("email")
    if email is None or not validate_email(str(email)):
        raise InvalidParameterException(f"Email address is invalid: {'' if email is None else email}")
    email = str(email)
    if not site.cfg.allowaccountssameemail and not php_loose_equal(email, user.email) and email_taken(site, email):
        raise InvalidParameterException(f"Email address already exists: {email}")
    updated = replace(
        user,
        auth="userkey",
        username=str(changes.get("username", user.username)),
        firstname=str(changes.get("firstname", user.firstname)),
        lastname=str(changes.get("lastname", user.lastname)),
        email=email,
        idnumber=str(changes.get("idnumber", user.idnumber)),
    )
    site.store.save_user(updated)
    return updated


def find_or_provision_user(site: Site, data: dict[str, Any]) -> User:
    """``get_user()``: look up by the mapping field, then create or update per the settings."""
    field = mapping_field(site)
    found = site.store.find_users(field, str(data[field])) if field in data else []
    if found:
        user = found[0]
        return _update_user(site, user, data) if config(site).updateuser else user
    if config(site).createuser:
        return _create_user(site, data)
    raise InvalidParameterException("User is not exist")


def create_key(site: Site, user: User, allowed_ip: str | None) -> UserKey:
    """Replace the user's keys with a fresh one (32 lower-case hex, MD5 like core)."""
    iprestriction = None
    if config(site).iprestriction_on:
        iprestriction = allowed_ip or site.client_ip
    now = site.clock.time()
    while True:  # core draws again while the value exists; the store checks it in the same step
        # secrets.token_urlsafe(30), without its two layers of calls
        random = base64.urlsafe_b64encode(random_bytes(30)).rstrip(b"=").decode("ascii")
        raw = f"{user.id}_{now}{random}"
        value = hashlib.md5(raw.encode(), usedforsecurity=False).hexdigest()
        key = UserKey(value, user.id, now + key_lifetime(site), iprestriction, now)
        if site.store.replace_user_keys(key):
            return key


def get_login_url(site: Site, data: dict[str, Any]) -> str:
    _validate_user_data(site, data)
    user = find_or_provision_user(site, data)
    ip = data.get("ip")
    key = create_key(site, user, None if php_empty(ip) else str(ip))
    return f"{site.wwwroot}/auth/userkey/login.php?key={key.value}"
