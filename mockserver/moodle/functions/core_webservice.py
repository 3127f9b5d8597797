"""``core_webservice_get_site_info`` (moodle-webservice.md §3.2, Moodle 4.1 keys)."""

from __future__ import annotations

import hashlib
from typing import Any

from mockserver.moodle.domain.formatting import format_string
from mockserver.moodle.webservice.description import DEFAULT, OPTIONAL, Multiple, Single, Value
from mockserver.moodle.webservice.registry import Call, ExternalFunction

# 4.1 advanced features, in the order core lists them, with a fresh site's values.
ADVANCED_FEATURES = (
    ("usecomments", 1),
    ("usetags", 1),
    ("enablenotes", 1),
    ("messaging", 1),
    ("enableblogs", 1),
    ("enablecompletion", 1),
    ("enablebadges", 1),
    ("messagingallusers", 0),
    ("enablecustomreports", 1),
    ("mnet_dispatcher_mode", 0),
    ("enablecompetencies", 1),
)

RETURNS = Single(
    {
        "sitename": Value("raw", "site name"),
        "username": Value("raw", "username"),
        "firstname": Value("text", "first name"),
        "lastname": Value("text", "last name"),
        "fullname": Value("text", "user full name"),
        "lang": Value("lang", "Current language."),
        "userid": Value("int", "user id"),
        "siteurl": Value("raw", "site url"),
        "userpictureurl": Value("url", "the user profile picture."),
        "functions": Multiple(Single({"name": Value("raw", "function name"), "version": Value("text", "version")})),
        "downloadfiles": Value("int", "1 if users are allowed to download files, 0 if not", OPTIONAL),
        "uploadfiles": Value("int", "1 if users are allowed to upload files, 0 if not", OPTIONAL),
        "release": Value("text", "Moodle release number", OPTIONAL),
        "version": Value("text", "Moodle version number", OPTIONAL),
        "mobilecssurl": Value("url", "Mobile custom CSS theme", OPTIONAL),
        "advancedfeatures": Multiple(
            Single(
                {
                    "name": Value("alphanumext", "feature name"),
                    "value": Value("int", "feature value. Usually 1 means enabled."),
                }
            ),
            "Advanced features availability",
            OPTIONAL,
        ),
        "usercanmanageownfiles": Value("bool", "true if the user can manage his own files", OPTIONAL),
        "userquota": Value("int", "user quota (bytes). 0 means user can ignore the quota", OPTIONAL),
        "usermaxuploadfilesize": Value(
            "int", "user max upload file size (bytes). -1 means the user can ignore the upload file size", OPTIONAL
        ),
        "userhomepage": Value(
            "int", "the default home page for the user: 0 for the site home, 1 for dashboard", OPTIONAL
        ),
        "userprivateaccesskey": Value("alphanum", "Private user access key for fetching files.", OPTIONAL),
        "siteid": Value("int", "Site course ID", OPTIONAL),
        "sitecalendartype": Value("plugin", "Calendar type set in the site.", OPTIONAL),
        "usercalendartype": Value("plugin", "Calendar typed used by the user.", OPTIONAL),
        "userissiteadmin": Value("bool", "Whether the user is a site admin or not.", OPTIONAL),
        "theme": Value("theme", "Current theme for the user.", OPTIONAL),
        "limitconcurrentlogins": Value("int", "Number of concurrent sessions allowed", OPTIONAL),
        "usersessionscount": Value("int", "Number of active sessions for current user.", OPTIONAL),
    }
)


def parameters(_site: Any) -> Single:
    return Single(
        {
            "serviceshortnames": Multiple(
                Value("alphanumext", "service shortname"),
                "DEPRECATED PARAMETER - it was a design error in the original implementation. It is ignored now.",
                DEFAULT,
                [],
            )
        }
    )


def _function_version(site_version: str, name: str) -> str:
    """``$CFG->version`` for core functions, the plugin's ``version.php`` otherwise."""
    from mockserver.moodle.plugins.registry import plugin_versions
    from mockserver.moodle.webservice.registry import registry

    function = registry().get(name)
    component = function.component if function is not None else "moodle"
    return plugin_versions().get(component, site_version)


def _private_access_key(userid: int, username: str) -> str:
    """``get_user_key('core_files', $userid)``: a stable 32-hex key per user."""
    return hashlib.md5(f"{userid}:{username}:private".encode(), usedforsecurity=False).hexdigest()


def execute(call: Call, _params: dict[str, Any]) -> dict[str, Any]:
    site, user = call.site, call.user
    version = site.cfg.versionnumber
    functions = [{"name": name, "version": _function_version(version, name)} for name in call.service.functions]
    return {
        "sitename": site.cfg.sitename if call.raw else format_string(site.cfg.sitename),
        "username": user.username,
        "firstname": user.firstname,
        "lastname": user.lastname,
        "fullname": user.fullname,
        "lang": site.cleaner.clean(call.lang, "lang"),  # clean_param(current_language(), PARAM_LANG)
        "userid": user.id,
        "siteurl": site.wwwroot,
        "userpictureurl": f"{site.wwwroot}/theme/image.php/boost/core/1/u/f1",
        "functions": functions,
        "downloadfiles": int(call.service.downloadfiles),
        "uploadfiles": int(call.service.uploadfiles),
        "release": site.cfg.release,
        "version": site.cfg.versionnumber,
        "mobilecssurl": "",
        "advancedfeatures": [{"name": n, "value": v} for n, v in ADVANCED_FEATURES],
        "usercanmanageownfiles": True,
        "userquota": 0 if user.siteadmin else 104857600,
        "usermaxuploadfilesize": -1 if user.siteadmin else 2097152,
        "userhomepage": 1,
        "userprivateaccesskey": _private_access_key(user.id, user.username),
        "siteid": 1,
        "sitecalendartype": "gregorian",
        "usercalendartype": "gregorian",
        "userissiteadmin": user.siteadmin,
        "theme": "boost",
        "limitconcurrentlogins": 0,
    }


GET_SITE_INFO = ExternalFunction(
    name="core_webservice_get_site_info",
    component="core_webservice",
    parameters=parameters,
    returns=RETURNS,
    execute=execute,
)

FUNCTIONS = (GET_SITE_INFO,)
