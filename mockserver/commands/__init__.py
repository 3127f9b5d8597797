"""CLI commands beyond ``serve``, one small module each; ``add_commands`` registers them."""

from __future__ import annotations

from typing import Any

from mockserver.commands import init, scenarios, validate


def add_commands(commands: Any) -> None:
    """Register ``validate``, ``schema``, ``scenarios`` and ``init`` on the CLI's subparsers."""
    validate.add_commands(commands)
    scenarios.add_commands(commands)
    init.add_commands(commands)
