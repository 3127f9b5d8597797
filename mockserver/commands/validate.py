"""``mockserver validate`` (check scenario files or folders of them) and ``mockserver schema``.

Problems come sorted by file and line, unknown keys with the closest valid one, references checked
even when other parts fail; warnings (values Moodle stores but never matches) do not fail the file.
Fast enough to run on save: only the loader and the scenario models are imported.
"""

from __future__ import annotations

import argparse
import gc
import json
import sys
from pathlib import Path
from typing import Any


def validate_command(args: argparse.Namespace) -> int:
    from mockserver.world.loadcache import load_scenario  # an unchanged scenario: validated before
    from mockserver.world.loader import ScenarioError

    # The loader collects once before loading (mockserver.world.gcpause); what the imports left is
    # no garbage and this process ends after checking: out of that scan (~20 ms).
    gc.freeze()

    failures = 0
    paths: list[Path] = []
    for name in args.paths:
        path = Path(name)
        found = sorted(path.glob("*.yaml")) + sorted(path.glob("*.yml")) if path.is_dir() else [path]
        if not found:  # a folder with nothing to check must not pass as checked
            failures += 1
            inner = path / "scenarios"
            hint = f" (the scenarios of `mockserver init` are in {inner})" if inner.is_dir() else ""
            print(f"{path}: no scenario files (*.yaml, *.yml) in this folder{hint}", file=sys.stderr)
        paths.extend(found)
    for path in paths:
        try:
            loaded = load_scenario(path)
        except ScenarioError as exc:
            failures += 1
            print(exc, file=sys.stderr)
            continue
        for warning in sorted(loaded.warnings, key=lambda w: (w.file, w.line)):
            print(warning, file=sys.stderr)
        count = len(loaded.warnings)
        print(f"{path}: ok" + (f" ({count} warning{'s' if count > 1 else ''})" if count else ""))
    return 1 if failures else 0


def schema_command(_args: argparse.Namespace) -> int:
    from mockserver.world.spec import Scenario

    print(json.dumps(Scenario.model_json_schema(), indent=2, ensure_ascii=False))
    return 0


def add_commands(commands: Any) -> None:
    validate = commands.add_parser("validate", help="check scenario files (or folders of them)")
    validate.add_argument("paths", nargs="+", metavar="PATH")
    validate.set_defaults(func=validate_command)
    schema = commands.add_parser("schema", help="print the scenario format's JSON Schema")
    schema.set_defaults(func=schema_command)
