"""auth_userkey's strings (lang/en/auth_userkey.php; auth-userkey.md §3), keyed like core's tables."""

from __future__ import annotations

EN = {
    ("auth_userkey", "pluginname"): "User key authentication",
    ("auth_userkey", "noip"): "Unable to fetch IP address of client.",
    ("auth_userkey", "incorrectlogout"): "Incorrect logout request",
    ("auth_userkey", "pluginisdisabled"): "The userkey authentication plugin is disabled.",
    ("auth_userkey", "redirecterrordetected"): "Unsupported redirect to {$a} detected, execution terminated.",
    ("auth_userkey", "userkey:generatekey"): "Generate login user key",
    # The capability's name as core's role strings show it (get_capability_string).
    ("role", "auth/userkey:generatekey"): "Generate login user key",
}
