"""Shared expectations for the Moodle REST / auth_userkey tests.

Expected bodies are written out by hand or built with :func:`php_json` / :func:`xml_error`,
which follow moodle-webservice.md §1.4-§1.5 independently of the server's own encoder.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import httpx

from tests.harness import REST, Harness

ROOT = Path(__file__).resolve().parents[2]
REST_SCENARIO = Path(__file__).resolve().parent / "data" / "rest.yaml"
NOW = 1767225600  # 2026-01-01 00:00:00 UTC, the frozen clock of data/rest.yaml

ADMIN = "d1c2b3a4e5f60718293a4b5c6d7e8f90"  # admin, "User key authentication web service"
WSUSER = "0000000000000000000000000000a020"  # wsuser (rest:use + generatekey), "Integration service"
NOCAP = "0000000000000000000000000000a021"  # wsnocap: rest:use only
NOREST = "0000000000000000000000000000a022"  # wsnorest: no capability at all
SUSPENDED = "0000000000000000000000000000a023"
UNCONFIRMED = "0000000000000000000000000000a024"
DELETED = "0000000000000000000000000000a025"
NOLOGIN = "0000000000000000000000000000a026"
SPANISH = "0000000000000000000000000000a027"  # wsespanol, lang es
DISABLED_SERVICE = "0000000000000000000000000000b020"
NOT_AUTHORISED = "0000000000000000000000000000b021"  # wsuser, restricted service, not listed
AUTHORISED = "0000000000000000000000000000b022"  # wsnocap, restricted service, listed
CAPABILITY_SERVICE = "0000000000000000000000000000b023"  # wsuser lacks moodle/site:config
SITEINFO_ONLY = "0000000000000000000000000000b024"  # wsuser, service without auth_userkey
ADMIN_CAPABILITY_SERVICE = "0000000000000000000000000000b025"
AUTHORISED_WRONG_IP = "0000000000000000000000000000b026"  # authorised from 10.0.0.0/8 only
EXPIRING = "0000000000000000000000000000c020"  # validuntil 2030-01-01 00:00:00 UTC
EXPIRING_AT = 1893456000
TOKEN_IP_10 = "0000000000000000000000000000c021"  # token iprestriction 10.0.0.0/8
TOKEN_IP_LOCAL = "0000000000000000000000000000c022"  # token iprestriction "127.0.0.1, 10.1.2.0/24"

ACCESS_NOT_ALLOWED = (
    "Access to the function {name}() is not allowed.\n"
    "                     There could be multiple reasons for this:\n"
    "                     1. The service linked to the user token does not contain the function.\n"
    "                     2. The service is user-restricted and the user is not listed.\n"
    "                     3. The service is IP-restricted and the user IP is not listed.\n"
    "                     4. The service is time-restricted and the time has expired.\n"
    "                     5. The token is time-restricted and the time has expired.\n"
    "                     6. The service requires a specific capability which the user does not have.\n"
    "                     7. The function is called with username/password (no user token is sent)\n"
    "                     and none of the services has the function to allow the user.\n"
    "                     These settings can be found in Administration > Site administration\n"
    "                     > Server > Web services > External services and Manage tokens."
)

COMMON_HEADERS = {
    "cache-control": "private, must-revalidate, pre-check=0, post-check=0, max-age=0",
    "expires": "Thu, 01 Jan 1970 00:00:00 GMT",
    "pragma": "no-cache",
    "accept-ranges": "none",
    "access-control-allow-origin": "*",
}
XML_HEAD = '<?xml version="1.0" encoding="UTF-8" ?>\n'


def php_json(value: Any) -> str:
    """``json_encode`` with default flags: no spaces, ``\\/``, lower-case ``\\uXXXX``."""
    return json.dumps(value, separators=(",", ":"), ensure_ascii=True).replace("/", "\\/")


def esc(text: str) -> str:
    """``htmlspecialchars(ENT_COMPAT)``."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace('"', "&quot;")


def json_error(exception: str, errorcode: str, message: str, debuginfo: str | None = None) -> str:
    body: dict[str, str] = {"exception": exception, "errorcode": errorcode, "message": message}
    if debuginfo is not None:
        body["debuginfo"] = debuginfo
    return php_json(body)


def xml_error(exception: str, errorcode: str, message: str, debuginfo: str | None = None) -> str:
    lines = [
        XML_HEAD,
        f'<EXCEPTION class="{exception}">\n',
        f"<ERRORCODE>{esc(errorcode)}</ERRORCODE>\n",
        f"<MESSAGE>{esc(message)}</MESSAGE>\n",
    ]
    if debuginfo is not None:
        lines.append(f"<DEBUGINFO>{esc(debuginfo)}</DEBUGINFO>\n")
    lines.append("</EXCEPTION>\n")
    return "".join(lines)


def error_body(fmt: str, exception: str, errorcode: str, message: str, debuginfo: str | None = None) -> str:
    if fmt == "json":
        return json_error(exception, errorcode, message, debuginfo)
    return xml_error(exception, errorcode, message, debuginfo)


def xml_response(payload: str) -> str:
    return f"{XML_HEAD}<RESPONSE>\n{payload}</RESPONSE>\n"


def assert_rest(response: httpx.Response, body: str, fmt: str = "json") -> None:
    """HTTP 200, the REST headers of the format, no cookie, and exactly this body."""
    assert response.status_code == 200
    headers = response.headers
    if fmt == "json":
        assert headers["content-type"] == "application/json"
        assert "content-disposition" not in headers
    else:
        assert headers["content-type"] == "application/xml; charset=utf-8"
        assert headers["content-disposition"] == 'inline; filename="response.xml"'
    for name, value in COMMON_HEADERS.items():
        assert headers[name] == value, name
    assert "set-cookie" not in headers
    assert response.text == body


def rest_get(h: Harness, **params: str) -> httpx.Response:
    return h.client.get(REST, params=params)


def loginurl_json(h: Harness, key: str) -> str:
    return php_json({"loginurl": f"{h.base_url}/auth/userkey/login.php?key={key}"})


def only_key(h: Harness, userid: int) -> str:
    """The single live key of a user (auth_userkey keeps one per user)."""
    keys = [k for k in h.tenant.store.user_keys() if k.userid == userid]
    assert len(keys) == 1
    return keys[0].value


# --- browser pages ---------------------------------------------------------------------------------


def assert_redirect(response: httpx.Response, location: str) -> None:
    """Moodle's redirect(): 303 See Other, absolute Location, X-Redirect-By, the continue link."""
    assert response.status_code == 303
    assert response.headers["location"] == location
    assert response.headers["x-redirect-by"] == "Moodle"
    assert response.headers["content-type"] == "text/html; charset=utf-8"
    escaped = location.replace("&", "&amp;").replace('"', "&#34;")
    assert f'<a href="{escaped}">' in response.text


def assert_error_page(
    response: httpx.Response,
    message: str,
    *,
    link: str,
    docs: str | None = None,
    debuginfo: str | None = None,
) -> None:
    """The HTML exception page: HTTP 404, the message, the docs link, the continue link."""
    assert response.status_code == 404
    assert response.headers["content-type"] == "text/html; charset=utf-8"
    assert "location" not in response.headers
    text = response.text
    assert text.count('<p class="errormessage">') == 1
    assert f'<p class="errormessage">{esc_html(message)}</p>' in text
    if docs is not None:
        assert f'<p class="errorcode"><a href="https://docs.moodle.org/401/en/error/{esc_html(docs)}">' in text
    assert f'<div class="continuebutton"><a class="btn btn-primary" href="{esc_html(link)}">' in text
    if debuginfo is None:
        assert "Debug info:" not in text
    else:
        shown = "<br />".join(esc_html(line) for line in debuginfo.split("\n"))
        assert f"<strong>Debug info: </strong>{shown}</div>" in text


def esc_html(text: str) -> str:
    """Jinja's escaping of the page templates."""
    return (
        text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace('"', "&#34;").replace("'", "&#39;")
    )


def login_form(h: Harness, username: str, password: str) -> httpx.Response:
    """Log the client in through /login/index.php."""
    h.client.get("/login/index.php")
    return h.client.post("/login/index.php", data={"username": username, "password": password})


def whoami(h: Harness) -> str | None:
    """The full name in the page header of /my/, or None when /my/ bounces to a login."""
    page = h.client.get("/my/")
    if page.status_code != 200:
        return None
    start = page.text.index('<span class="usertext" id="usertext">') + len('<span class="usertext" id="usertext">')
    return page.text[start : page.text.index("</span>", start)]


def session_cookie(h: Harness) -> str | None:
    value: str | None = h.client.cookies.get("MoodleSession")
    return value
