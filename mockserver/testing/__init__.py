"""Testing tools: the pytest plugin (``mockserver.testing.plugin``), an admin API client, assertions.

Names are imported lazily so that loading the pytest plugin (an entry point, loaded by every
pytest run in the environment) costs nothing until a test uses it. See docs/pytest-plugin.md.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from mockserver.testing.asserts import (
        assert_called,
        assert_login_url_requested,
        assert_not_called,
        assert_sence_attendance,
    )
    from mockserver.testing.client import AdminClient, AdminError, TenantClient

_EXPORTS = {
    "AdminClient": "mockserver.testing.client",
    "AdminError": "mockserver.testing.client",
    "TenantClient": "mockserver.testing.client",
    "assert_called": "mockserver.testing.asserts",
    "assert_login_url_requested": "mockserver.testing.asserts",
    "assert_not_called": "mockserver.testing.asserts",
    "assert_sence_attendance": "mockserver.testing.asserts",
}
__all__ = [
    "AdminClient",
    "AdminError",
    "TenantClient",
    "assert_called",
    "assert_login_url_requested",
    "assert_not_called",
    "assert_sence_attendance",
]


def __getattr__(name: str) -> Any:
    if name not in _EXPORTS:
        raise AttributeError(f"module 'mockserver.testing' has no attribute {name!r}")
    return getattr(importlib.import_module(_EXPORTS[name]), name)
