"""auth_drupalservices's strings (lang/en/auth_drupalservices.php, vfremaux 4.5.0), keyed like core's tables."""

from __future__ import annotations

EN = {
    ("auth_drupalservices", "pluginname"): "Drupal Services",
    ("auth_drupalservices", "login"): "Sign in",
    ("auth_drupalservices", "drupalaccounts"): "Connect with a drupal remote account",
    ("auth_drupalservices", "moodleaccounts"): "Connect with a moodle local account",
    ("auth_drupalservices", "drupalduallogin"): "Drupal dual login",
    ("auth_drupalservices", "auth_drupalservicescantinsert"): "Moodle DB error. Cannot insert user: {$a}",
    ("auth_drupalservices", "auth_drupalservicescantupdate"): "Moodle DB error. Cannot update user: {$a}",
}
