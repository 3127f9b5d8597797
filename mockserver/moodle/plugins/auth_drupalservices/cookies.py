"""The shared cookie (eduauth-and-drupal.md §2.1): Drupal's session cookie name, recomputed on the Moodle side.

``name = ("SSESS" if host_uri is https else "SESS") + sha256(<cookiedomain>)[:32]``; the base is the
configured cookie domain, else ``host_uri`` without its scheme. ``detect`` is ``detect_sso_settings``.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from urllib.parse import unquote_plus, urlsplit, urlunsplit

MAX_TRIES = 100


@dataclass(frozen=True)
class DrupalSession:
    """``get_drupal_session()``: the cookie's name and the Drupal session id it carries."""

    name: str
    sid: str


def php_cookies(header: str) -> dict[str, str]:
    """``$_COOKIE`` from a Cookie header: pairs split on ``;``, values URL-decoded, the first of a name wins."""
    cookies: dict[str, str] = {}
    for part in header.split(";"):
        name, sep, value = part.strip().partition("=")
        if not sep or not name:
            continue
        cookies.setdefault(name, unquote_plus(value, errors="replace"))
    return cookies


def cookie_name(host_uri: str, cookiedomain: str | None) -> str:
    protocol, _, rest = host_uri.partition("://")
    prefix = "SSESS" if protocol.lower() == "https" else "SESS"
    base = cookiedomain if cookiedomain is not None else rest
    return prefix + hashlib.sha256(base.encode("utf-8", "surrogatepass")).hexdigest()[:32]


def drupal_session(cookies: dict[str, str], host_uri: str, cookiedomain: str | None) -> DrupalSession | None:
    name = cookie_name(host_uri, cookiedomain)
    return DrupalSession(name, cookies[name]) if name in cookies else None


def _dereference(url: str, *, domain: bool) -> str | None:
    """``dereference_url``: drop the leftmost host label (``domain``) or the last path segment; None when
    nothing is left to drop."""
    parts = urlsplit(url)
    host = parts.hostname or ""
    labels = host.split(".")
    path = parts.path.split("/")
    if domain and len(labels) > 1:
        labels = labels[1:]
    elif not domain and len(path) > 1:
        path = path[:-1]
    else:
        return None
    netloc = ".".join(labels) + (f":{parts.port}" if parts.port else "")
    return urlunsplit((parts.scheme, netloc, "/".join(path), parts.query, parts.fragment))


def detect(cookies: dict[str, str], start: str) -> tuple[str, str, DrupalSession] | None:
    """``detect_sso_settings``: try ``.host/path`` then ``host/path`` for ``start``, its shorter paths, then
    its parent domains; at most 100 tries. Returns (host_uri, cookiedomain, session) of the first match."""
    tries = 0
    by_domain: str | None = start
    while by_domain is not None and tries < MAX_TRIES:
        by_path: str | None = by_domain
        while by_path is not None and tries < MAX_TRIES:
            tries += 1
            parts = urlsplit(by_path)
            host = parts.hostname or ""
            for candidate in (f".{host}{parts.path}", f"{host}{parts.path}"):
                found = drupal_session(cookies, by_path, candidate)
                if found is not None:
                    return by_path, candidate, found
            by_path = _dereference(by_path, domain=False)
        by_domain = _dereference(by_domain, domain=True)
    return None
