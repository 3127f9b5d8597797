"""auth_drupalservices: log in whoever the shared Drupal session cookie names (eduauth-and-drupal.md §2).

PLUGIN is in plugin.py.
"""
