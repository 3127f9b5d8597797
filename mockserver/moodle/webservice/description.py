"""``external_value`` / ``external_single_structure`` / ``external_multiple_structure``."""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import Enum
from typing import Any, Union


class Presence(Enum):
    REQUIRED = "required"
    OPTIONAL = "optional"
    DEFAULT = "default"


REQUIRED = Presence.REQUIRED
OPTIONAL = Presence.OPTIONAL
DEFAULT = Presence.DEFAULT


@dataclass(frozen=True)
class Value:
    type: str
    desc: str = ""
    presence: Presence = REQUIRED
    default: Any = None
    allownull: bool = False


@dataclass(frozen=True)
class Single:
    keys: dict[str, Description]
    desc: str = ""
    presence: Presence = REQUIRED
    default: Any = None


@dataclass(frozen=True)
class Multiple:
    content: Description
    desc: str = ""
    presence: Presence = REQUIRED
    default: Any = field(default_factory=list)


Description = Union[Value, Single, Multiple]  # noqa: UP007 - a runtime alias of forward references
