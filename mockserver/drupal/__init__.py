"""A fake Drupal site for auth_drupalservices: Drupal 7 "moodlesso" services and the Drupal 8+ routes.

Served on its own origin by ``mockserver serve --drupal-port N`` (docs/drupal.md), over the same
tenants as the Moodle port. Its users, cookie domain and scripted outcomes come from the scenario's
``drupal:`` section (``spec.py``).
"""
