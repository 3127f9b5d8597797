"""Enable pytest's ``pytester`` fixture for the plugin tests.

``pytest_plugins`` is only allowed in the top-level conftest, which this package does not own;
registering the plugin here works because pytest replays historic hooks (addoption, configure)
for plugins registered late. The lead may move this to ``tests/conftest.py`` as
``pytest_plugins = ["pytester"]``; then this hook does nothing.
"""

from __future__ import annotations

import pytest


def pytest_configure(config: pytest.Config) -> None:
    if not config.pluginmanager.has_plugin("pytester"):
        config.pluginmanager.import_plugin("pytester")
