"""Emulated Moodle plugins: one subpackage per plugin, named by its frankenstyle (``auth_userkey``).

The seam itself is the handful of modules beside them:

- ``interface``: what a plugin declares (``MoodlePlugin``) and the page a hook receives;
- ``discovery``: finding the plugin folders (no central list);
- ``scenario``: the ``plugins:`` section of the scenario format, one settings model per plugin;
- ``registry``: the installed plugins, the active ones for a request, their routes, strings and masks;
- ``hooks``: the one interface core pages call (Moodle's auth hooks and the course page).

See docs/plugins.md for how to add one.
"""
