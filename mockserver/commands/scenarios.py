"""``mockserver scenarios``: the scenarios shipped with the package, by name."""

from __future__ import annotations

import argparse
from typing import Any

from mockserver.worlds import describe, shipped_dir, shipped_scenarios

_WIDTH = 100  # one line per scenario in a terminal


def scenarios_command(args: argparse.Namespace) -> int:
    found = shipped_scenarios()
    if args.paths:
        for path in found:
            print(path)
        return 0
    if not found:
        print(f"no shipped scenarios in {shipped_dir()}")
        return 1
    width = max(len(path.stem) for path in found)
    for path in found:
        text = describe(path)
        line = f"{path.stem:<{width}}  {text}".rstrip()
        print(line if len(line) <= _WIDTH else line[: _WIDTH - 1] + "…")
    print(f"\n(in {shipped_dir()}; serve one with `mockserver serve --scenario NAME`)")
    return 0


def add_commands(commands: Any) -> None:
    parser = commands.add_parser("scenarios", help="list the scenarios shipped with the package")
    parser.add_argument("--paths", action="store_true", help="print their file paths only")
    parser.set_defaults(func=scenarios_command)
