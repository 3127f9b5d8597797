"""``tool_mobile_get_public_config``: the site's public settings, callable without a session (the app and
client libraries ask it through ``lib/ajax/service.php`` before ``login/token.php``).

The reference is silent: the keys, their order and a fresh site's values follow Moodle's
``admin/tool/mobile/classes/{external,api}.php`` (see docs/provisioning.md for what is inferred).
"""

from __future__ import annotations

from typing import Any

from mockserver.moodle.domain.formatting import external_format_string
from mockserver.moodle.site import Site
from mockserver.moodle.webservice.description import OPTIONAL, Multiple, Single, Value
from mockserver.moodle.webservice.registry import Call, ExternalFunction
from mockserver.moodle.webservice.structures import warnings_structure

LOGIN_VIA_APP = 1
"""``tool_mobile\\api::LOGIN_VIA_APP``: the default ``typeoflogin``."""


def _keys() -> dict[str, Value | Single | Multiple]:
    """4.1's ``get_public_config_returns()``, in its order."""
    return {
        "wwwroot": Value("raw", "Site URL."),
        "httpswwwroot": Value("raw", "Site https URL (if httpslogin is enabled)."),
        "sitename": Value("raw", "Site name."),
        "guestlogin": Value("int", "Whether guest login is enabled."),
        "rememberusername": Value("int", "Values: 0 for No, 1 for Yes, 2 for optional."),
        "authloginviaemail": Value("int", "Whether log in via email is enabled."),
        "registerauth": Value("plugin", "Authentication method for user registration."),
        "forgottenpasswordurl": Value("url", "Forgotten password URL."),
        "authinstructions": Value("raw", "Authentication instructions."),
        "authnoneenabled": Value("int", "Whether auth none is enabled."),
        "enablewebservices": Value("int", "Whether Web Services are enabled."),
        "enablemobilewebservice": Value("int", "Whether the Mobile service is enabled."),
        "maintenanceenabled": Value("int", "Whether site maintenance is enabled."),
        "maintenancemessage": Value("raw", "Maintenance message."),
        "logourl": Value("url", "The site logo URL", OPTIONAL),
        "compactlogourl": Value("url", "The site compact logo URL", OPTIONAL),
        "typeoflogin": Value("int", "The type of login. 1 for app, 2 for browser, 3 for embedded."),
        "launchurl": Value("url", "SSO login launch URL.", OPTIONAL),
        "mobilecssurl": Value("url", "Mobile custom CSS theme", OPTIONAL),
        "tool_mobile_disabledfeatures": Value("raw", "Disabled features in the app", OPTIONAL),
        "identityproviders": Multiple(
            Single(
                {
                    "name": Value("text", "The identity provider name."),
                    "iconurl": Value("url", "The icon URL for the provider."),
                    "url": Value("url", "The URL of the provider."),
                }
            ),
            "Identity providers",
            OPTIONAL,
        ),
        "country": Value("notags", "Default site country", OPTIONAL),
        "agedigitalconsentverification": Value(
            "bool", "Whether age digital consent verification is enabled.", OPTIONAL
        ),
        "supportname": Value("notags", "Site support contact name (only if age verification is enabled).", OPTIONAL),
        "supportemail": Value("email", "Site support contact email (only if age verification is enabled).", OPTIONAL),
        "supportpage": Value("url", "Site support page link.", OPTIONAL),
        "supportavailability": Value("int", "Determines who has access to contact site support.", OPTIONAL),
        "autolang": Value("int", "Whether to detect default language from browser setting.", OPTIONAL),
        "lang": Value("lang", "Default language for the site.", OPTIONAL),
        "langmenu": Value("int", "Whether the language menu should be displayed.", OPTIONAL),
        "langlist": Value("raw", "Languages on language menu.", OPTIONAL),
        "locale": Value("raw", "Sitewide locale.", OPTIONAL),
        "tool_mobile_minimumversion": Value("notags", "Minimum required version to access.", OPTIONAL),
        "tool_mobile_iosappid": Value("alphanum", "iOS app's unique identifier.", OPTIONAL),
        "tool_mobile_androidappid": Value("notags", "Android app's unique identifier.", OPTIONAL),
        "tool_mobile_setuplink": Value("url", "App download page.", OPTIONAL),
        "tool_mobile_qrcodetype": Value("int", "QR login configuration.", OPTIONAL),
        "warnings": warnings_structure(),
    }


RETURNS = Single(_keys())
RETURNS_NEWEST = Single(
    {
        **_keys(),
        "showloginform": Value("int", "Display default login form."),
        "tool_mfa_enabled": Value("bool", "Whether MFA is enabled for the site.", OPTIONAL),
    }
)


def returns(site: Site) -> Single:
    return RETURNS_NEWEST if site.cfg.version == "4.5" else RETURNS


def parameters(_site: Site) -> Single:
    return Single({})


def public_config(site: Site, raw: bool = False) -> dict[str, Any]:
    """``tool_mobile\\api::get_public_config()`` of a fresh site with this world's settings."""
    cfg = site.cfg
    config: dict[str, Any] = {
        "wwwroot": site.wwwroot,
        "httpswwwroot": site.wwwroot,
        "sitename": external_format_string(cfg.sitename, raw),
        "guestlogin": 1,
        "rememberusername": 2,
        "authloginviaemail": 0,
        "registerauth": "",
        "forgottenpasswordurl": "",
        "authinstructions": "",
        "authnoneenabled": int("none" in cfg.auth),
        "enablewebservices": int(cfg.enablewebservices),
        "enablemobilewebservice": int(cfg.enablemobilewebservice),
        "maintenanceenabled": int(cfg.maintenance),
        "maintenancemessage": "",
        "mobilecssurl": "",
        "tool_mobile_disabledfeatures": "",
        "country": "",
        "agedigitalconsentverification": False,
        "autolang": int(cfg.autolang),
        "lang": site.site_lang(),
        "langmenu": 1,
        "langlist": "",
        "locale": "",
        "tool_mobile_minimumversion": "",
        "tool_mobile_iosappid": "633359593",
        "tool_mobile_androidappid": "com.moodle.moodlemobile",
        "tool_mobile_setuplink": "https://download.moodle.org/mobile",
        "typeoflogin": LOGIN_VIA_APP,
        "launchurl": f"{site.wwwroot}/admin/tool/mobile/launch.php",
        "warnings": [],
    }
    if cfg.version == "4.5":
        config["showloginform"] = 1
        config["tool_mfa_enabled"] = False
    return config


def execute(call: Call, _params: dict[str, Any]) -> dict[str, Any]:
    return public_config(call.site, call.raw)


GET_PUBLIC_CONFIG = ExternalFunction(
    name="tool_mobile_get_public_config",
    component="tool_mobile",
    parameters=parameters,
    returns=RETURNS,
    execute=execute,
    returns_for=returns,
)

FUNCTIONS = (GET_PUBLIC_CONFIG,)
