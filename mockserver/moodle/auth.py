"""``authenticate_user_login`` for the auth plugins the emulator knows."""

from __future__ import annotations

from mockserver.moodle.site import Site
from mockserver.world.entities import User

PASSWORD_AUTHS = ("manual", "email")


def authenticate_user_login(site: Site, username: str, password: str) -> User | None:
    """The user if the password is right; userkey, nologin and disabled plugins never accept one."""
    for user in site.store.find_users("username", username):
        if user.deleted or user.suspended or not site.auth_enabled(user.auth):
            return None
        if user.auth in PASSWORD_AUTHS and user.password and user.password == password:
            return user
        return None
    return None
