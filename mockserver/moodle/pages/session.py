"""Moodle browser sessions: a signed ``MoodleSession`` cookie naming a session kept in the store."""

from __future__ import annotations

import hmac
import string
from functools import lru_cache
from typing import Any
from urllib.parse import urlsplit

from itsdangerous import BadSignature, Signer
from itsdangerous.signer import HMACAlgorithm
from starlette.responses import Response

from mockserver.moodle.site import Site
from mockserver.randombytes import random_bytes, token_hex
from mockserver.world.entities import GUEST_USER_ID, Session, User, copied

COOKIE_NAME = "MoodleSession"
TIMED_OUT = "has_timed_out"
"""``$SESSION->has_timed_out``: the browser brought a session the server no longer has."""
LOGIN_ERROR = "loginerrormsg"
"""``$SESSION->loginerrormsg``: the login page's error, kept across its redirect to itself."""
_SESSKEY_ALPHABET = string.ascii_letters + string.digits


class _Sha1HMAC(HMACAlgorithm):
    """itsdangerous' default algorithm (HMAC-SHA1) through ``hmac.digest``'s one C call."""

    def get_signature(self, key: bytes, value: bytes) -> bytes:
        return hmac.digest(key, value, "sha1")


class _Signer(Signer):
    """itsdangerous' ``Signer`` (same signatures) that derives its key once, not on every call."""

    def __init__(self, secret_key: str, salt: str) -> None:
        super().__init__(secret_key, salt=salt, algorithm=_Sha1HMAC())
        self._derived: dict[str | bytes | None, bytes] = {}

    def derive_key(self, secret_key: str | bytes | None = None) -> bytes:
        derived = self._derived.get(secret_key)
        if derived is None:
            derived = self._derived[secret_key] = super().derive_key(secret_key)
        return derived


@lru_cache(maxsize=256)
def _tenant_signer(secret_key: str, tenant: str) -> Signer:
    return _Signer(secret_key, salt=f"MoodleSession:{tenant}")


def _signer(site: Site) -> Signer:
    return _tenant_signer(site.config.secret_key, site.tenant.name)


# byte -> alphabet[byte % 62], for bytes.translate
_SESSKEY_TABLE = bytes(ord(_SESSKEY_ALPHABET[byte % len(_SESSKEY_ALPHABET)]) for byte in range(256))


def new_sesskey() -> str:
    """Ten random alphanumerics, like Moodle's ``random_string(10)``."""
    return random_bytes(10).translate(_SESSKEY_TABLE).decode("ascii")


class BrowserSession:
    """The session of one request; remembers whether the cookie must be (re)sent."""

    def __init__(self, site: Site) -> None:
        self.site = site
        self.changed = False
        self._session = self._load()

    @property
    def session(self) -> Session:
        """The current session, started on first use when the browser brought none."""
        if self._session is None:
            self._session = self._fresh()
        return self._session

    @session.setter
    def session(self, value: Session) -> None:
        self._session = value

    def _load(self) -> Session | None:
        if not any(name == b"cookie" for name, _ in self.site.request.scope["headers"]):
            return None  # no Cookie header: what request.cookies would say, without parsing
        raw = self.site.request.cookies.get(COOKIE_NAME)
        if not raw:
            return None
        try:
            sid = _signer(self.site).unsign(raw).decode("ascii")
        except (BadSignature, UnicodeDecodeError):
            # Not this tenant's cookie (another tenant's under the same host, or forged): no session
            # of this site was ever named, so the browser is a first visitor here.
            return None
        found = self.site.store.session(sid)
        if found is not None:
            return found
        # ``\core\session\manager::initialise_user_session()``: a cookie naming a session the site no
        # longer has (timed out, collected, evicted, or gone with a reset) gets a new empty session
        # marked ``has_timed_out``; the login page then says "Your session has timed out. Please
        # log in again."
        session = self._fresh()
        session.data[TIMED_OUT] = True
        self.site.store.save_session(session)
        return session

    def _fresh(self) -> Session:
        self.changed = True
        session = Session(sid=token_hex(16), sesskey=new_sesskey())
        self.site.store.save_session(session)
        return session

    @property
    def userid(self) -> int:
        """``$USER->id`` without starting a session for a browser that has none."""
        return self._session.userid if self._session is not None else 0

    @property
    def user(self) -> User | None:
        """The logged-in user; guests count as logged in (``isloggedin()``)."""
        if not self.session.userid:
            return None
        return self.site.store.user(self.session.userid)

    @property
    def is_real_user(self) -> bool:
        return bool(self.session.userid) and self.session.userid != GUEST_USER_ID

    def save(self) -> None:
        self.site.store.save_session(self.session)

    def login(self, user: User, *, save: bool = True) -> None:
        """``complete_user_login``: new session id and sesskey, login times and IP updated
        (``save=False``: the caller adds to the session and saves it, one write instead of two)."""
        old = self._session
        if old is not None:
            self.site.store.delete_session(old.sid)
        self.session = self._logged_in(user, old)
        self._login_times(user)
        self.site.store.save_user(user)
        if save:
            self.site.store.save_session(self.session)
        self.changed = True

    def login_with_key(self, user: User, key: str, data: dict[str, Any]) -> bool:
        """``complete_user_login`` once auth_userkey used up ``key``; ``data`` goes into the new
        session. With no session to end first (an SSO hop's usual case) the key, the user and the
        session are written in one step of the store (one round trip on Redis). False: another
        request took the key first, and nothing changed."""
        if self._session is not None:
            if not self.site.store.consume_user_key(key):
                return False
            self.login(user, save=False)
            self.session.data.update(data)
            self.save()
            return True
        session = self._logged_in(user, None)
        session.data.update(data)
        updated = copied(user)  # the world's user changes only if the key is taken
        self._login_times(updated)
        if not self.site.store.login_with_key(key, updated, session):
            return False
        self.session = session
        self.changed = True
        return True

    def _logged_in(self, user: User, old: Session | None) -> Session:
        session = Session(sid=token_hex(16), userid=user.id, sesskey=new_sesskey(), wantsurl="")
        if old is not None:
            session.data = {k: v for k, v in old.data.items() if k == "lang"}
        return session

    def _login_times(self, user: User) -> None:
        user.lastlogin, user.currentlogin = user.currentlogin, self.site.clock.time()
        user.lastip = self.site.client_ip or ""

    def logout(self) -> None:
        """``require_logout``: the session ends; the browser gets a fresh empty one."""
        if self._session is not None:
            self.site.store.delete_session(self._session.sid)
        self.session = self._fresh()

    def apply_cookie(self, response: Response) -> Response:
        if self.changed:
            path = urlsplit(self.site.wwwroot).path.rstrip("/") + "/"
            value = _signer(self.site).sign(self.session.sid).decode("ascii")
            # Written directly (same attribute order as http.cookies) to skip SimpleCookie per request.
            cookie = f"{COOKIE_NAME}={value}; HttpOnly; Path={path}"
            if self.site.wwwroot.startswith("https:"):
                cookie += "; SameSite=none; Secure"
            response.raw_headers.append((b"set-cookie", cookie.encode("latin-1")))
        return response
