"""``/local/eduauth/connect.php`` (eduauth-and-drupal.md §1.2): the app's JSON calls with its token.

After ``check_token`` logs the user in, ``callforward`` hands the call to another plugin's
``eduauth.php``, else GEILO (``local_eduauth_geilo::act``) answers ``myData``, ``removeMe`` and
``wstoken``.
"""

from __future__ import annotations

import json
from typing import Any

from starlette.requests import Request
from starlette.responses import Response

from mockserver.moodle.errors import DmlMissingRecordException, MoodleException
from mockserver.moodle.pages.http import error_page
from mockserver.moodle.pages.params import PageParams
from mockserver.moodle.pages.session import BrowserSession
from mockserver.moodle.pages.views import require_login
from mockserver.moodle.plugins.local_eduauth.common import (
    CORS,
    check_token,
    json_reply,
    not_installed,
    page_url,
    tables,
    with_headers,
)
from mockserver.moodle.plugins.local_eduauth.settings import LocalEduauthSettings, config
from mockserver.moodle.site import Site
from mockserver.moodle.token_php import MOBILE_SERVICE, _token_for
from mockserver.world.entities import GUEST_USER_ID, User

# Where Moodle keeps each plugin type (core_component); callforward builds /<type>/<name>/ instead.
_TYPE_DIRS = {
    "block": "blocks",
    "tool": "admin/tool",
    "format": "course/format",
    "qtype": "question/type",
    "message": "message/output",
    "gradeexport": "grade/export",
    "gradeimport": "grade/import",
    "gradereport": "grade/report",
    "profilefield": "user/profile/field",
    "atto": "lib/editor/atto/plugins",
    "tiny": "lib/editor/tiny/plugins",
    "customfield": "customfield/field",
}


def plugin_dir(frankenstyle: str) -> str:
    """The folder a plugin lives in under dirroot: ``block_x`` -> ``blocks/x``, ``local_x`` -> ``local/x``."""
    kind, _, name = frankenstyle.partition("_")
    return f"{_TYPE_DIRS.get(kind, kind)}/{name}"


def callforward_reply(settings: LocalEduauthSettings, callforward: str) -> dict[str, Any]:
    """``/<p[0]>/<p[1]>/eduauth.php`` must exist: only the first two ``_`` parts count."""
    parts = callforward.split("_")
    wanted = f"{parts[0]}/{parts[1] if len(parts) > 1 else ''}"
    for name, declared in settings.callforward.items():
        if plugin_dir(name) == wanted:
            return dict(declared.reply)
    return {"error": "invalid plugin specified"}


def php_json_decode(text: str) -> Any:
    """``json_decode($strdata)``: anything PHP refuses (NaN, bad syntax, depth > 512) is null."""

    def refuse(_: str) -> Any:
        raise ValueError

    try:
        return json.loads(text, parse_constant=refuse) if text else None
    except (ValueError, RecursionError):
        return None


def _php_empty(value: Any) -> bool:
    return value is None or value is False or value in (0, "", "0") or value == []


def _act(data: Any) -> str | None:
    """``switch ($data->act)`` compares loosely: ``true`` matches the first case."""
    if not isinstance(data, dict) or _php_empty(data.get("act")):
        return None
    act = data["act"]
    if act is True:
        return "myData"
    return act if isinstance(act, str) else None


def require_active_user(user: User) -> None:
    """``core_user::require_active_user($USER, true, true)``."""
    if user.deleted:
        raise MoodleException("userdeleted", "error")
    if not user.confirmed:
        raise MoodleException("usernotconfirmed", "moodle", user.username)
    if user.id == GUEST_USER_ID:
        raise MoodleException("guestsarenotallowed", "error")
    if user.suspended or user.auth == "nologin":
        raise MoodleException("suspended", "auth")


def wstoken(site: Site, user: User) -> dict[str, Any]:
    """A token for the enabled ``moodle_mobile_app`` service (token.php's rules), unconfirmed: ``{}``."""
    if not user.confirmed:
        return {}
    service = next((s for s in site.store.services() if s.shortname == MOBILE_SERVICE and s.enabled), None)
    require_active_user(user)
    if service is None:
        # get_record() gave false; generate_token_for_current_user() reads its id as null and fails
        # looking the service up with MUST_EXIST.
        raise DmlMissingRecordException("external_services", "SELECT * FROM {external_services} WHERE id IS NULL", [])
    return {"wstoken": _token_for(site, user, service).token}


def geilo(site: Site, user: User, data: Any, token: str) -> dict[str, Any]:
    act = _act(data)
    if act == "myData":
        context = user.id + 3  # the user's context id; see docs/local_eduauth.md
        return {
            "user": {
                "email": user.email,
                "firstname": user.firstname,
                "lastname": user.lastname,
                "pictureurl": f"{site.wwwroot}/pluginfile.php/{context}/user/icon",
                "userid": user.id,
                "username": user.username,
            }
        }
    if act == "removeMe":
        # onlyappid/onlytoken are read but never used: every row of (user, request token) goes.
        tables(site).delete_user_token(user.id, token)
        return {"status": "ok"}
    if act == "wstoken":
        return wstoken(site, user)
    return {}


async def connect_php(request: Request) -> Response:
    site = Site.of(request)
    settings = config(site)
    if not settings.installed:
        return not_installed()
    browser = BrowserSession(site)
    params = await PageParams.read(request, site)
    userid = int(params.optional("userid", 0, "int"))
    token = str(params.optional("token", "", "text"))
    appid = str(params.optional("appid", "", "text"))
    callforward = str(params.optional("callforward", "", "text"))
    again = page_url(
        site, "/local/eduauth/connect.php", f"token={token}&appid={appid}&callforward={callforward}&userid={userid}"
    )
    strdata = str(params.optional("data", "", "raw"))
    checked = check_token(site, browser, userid, token, appid, again)
    if isinstance(checked, Response):
        return with_headers(checked, CORS)
    if not checked:
        reply = {
            "appid": appid,
            "data": strdata,
            "error": "invalid_login",
            "status": "error",
            "token": token,
            "userid": userid,
        }
        return json_reply(reply, browser, cors=True)
    if callforward:
        return json_reply(callforward_reply(settings, callforward), browser, cors=True)
    bounce = await require_login(site, browser, params)
    if bounce is not None:
        return with_headers(bounce, CORS)
    user = browser.user
    assert user is not None
    try:
        reply = geilo(site, user, php_json_decode(strdata), token)
    except MoodleException as error:
        return with_headers(error_page(site, browser, error), CORS)
    return json_reply(reply, browser, cors=True)
