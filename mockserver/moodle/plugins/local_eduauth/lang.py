"""local_eduauth's strings (lang/en/local_eduauth.php), keyed like core's tables."""

from __future__ import annotations

EN = {
    ("local_eduauth", "pluginname"): "eduAuth",
    ("local_eduauth", "appid:invalid"): "Invalid App-ID given.",
    ("local_eduauth", "incompatible_moodle_version"): "Your moodle version is incompatible for this function",
    ("local_eduauth", "login:required_login"): "Redirect you to login.",
    ("local_eduauth", "login:required_logout"): "Doing a logout of the formerly logged in user.",
    ("local_eduauth", "login:successful"): "Successful login.",
    # Core's lang/en/auth.php string that core_user::require_active_user() throws for wstoken.
    ("auth", "suspended"): "Suspended account",
}

ES = {
    ("auth", "suspended"): "Cuenta suspendida",
}
