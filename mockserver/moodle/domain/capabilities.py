"""``require_capability()`` as one call; the emulated site grants capabilities per user (system level)."""

from __future__ import annotations

from mockserver.moodle.errors import RequiredCapabilityException
from mockserver.world.entities import User


def require_capability(user: User, capability: str) -> None:
    """Raise ``required_capability_exception`` (``nopermissions``) unless ``user`` holds ``capability``."""
    if not user.has_capability(capability):
        raise RequiredCapabilityException(capability)
