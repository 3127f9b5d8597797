"""Help text that shows each option's default (only where there is one worth showing)."""

from __future__ import annotations

import argparse
from typing import Any


class DefaultsFormatter(argparse.HelpFormatter):
    def _get_help_string(self, action: argparse.Action) -> str | None:
        text = action.help or ""
        shown = action.default not in (None, False, [], argparse.SUPPRESS) and "default" not in text
        if shown and action.option_strings and text:
            text += " (default: %(default)s)"
        return text


class HelpfulParser(argparse.ArgumentParser):
    """``ArgumentParser`` with ``DefaultsFormatter``; the CLI's subcommands use it too."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("formatter_class", DefaultsFormatter)
        super().__init__(*args, **kwargs)
