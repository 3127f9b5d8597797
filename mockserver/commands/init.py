"""``mockserver init [DIR]``: a starter world to edit, a copy of the demo with its fixtures.

Writes ``DIR/scenarios/starter.yaml``, the fixture files it names under ``DIR/fixtures/`` (same
relative layout as the shipped worlds, so its ``../fixtures/...`` paths resolve), and the JSON
Schemas the ``# yaml-language-server: $schema=...`` comments point editors at. Existing files are
never overwritten.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

from mockserver.worlds import DEFAULT_SCENARIO, shipped

STARTER = "starter"
SCENARIO_SCHEMA = "scenario.schema.json"
FIXTURES_SCHEMA = "fixtures.schema.json"


def _header(schema: str, text: str) -> str:
    return f"# yaml-language-server: $schema={schema}\n{text}"


def _starter_text(demo: Path) -> str:
    lines = demo.read_text(encoding="utf-8").splitlines(keepends=True)
    while lines and lines[0].startswith("#"):  # the demo's own header comment
        lines.pop(0)
    body = "".join(lines).replace(f"name: {DEFAULT_SCENARIO}\n", f"name: {STARTER}\n", 1)
    intro = (
        "# A starter world (a copy of the demo): edit it, then `mockserver validate scenarios/starter.yaml`\n"
        "# and `mockserver serve --scenario scenarios/starter.yaml`. Format: `mockserver schema`.\n"
    )
    return _header(f"../{SCENARIO_SCHEMA}", intro + body)


def _schemas() -> dict[str, str]:
    from mockserver.world.spec import Fixtures, Scenario

    def dump(model: Any) -> str:
        return json.dumps(model.model_json_schema(), indent=2, ensure_ascii=False) + "\n"

    return {SCENARIO_SCHEMA: dump(Scenario), FIXTURES_SCHEMA: dump(Fixtures)}


def plan(target: Path) -> dict[Path, str]:
    """Every file ``init`` writes, with its text."""
    import yaml

    demo = shipped(DEFAULT_SCENARIO)
    if demo is None:
        raise FileNotFoundError(f"the shipped {DEFAULT_SCENARIO} scenario is missing")
    files = {target / "scenarios" / f"{STARTER}.yaml": _starter_text(demo)}
    data = yaml.safe_load(demo.read_text(encoding="utf-8"))
    for relative in data.get("fixtures", []):
        source = (demo.parent / relative).resolve()
        text = source.read_text(encoding="utf-8")
        files[target / "fixtures" / source.name] = _header(f"../{FIXTURES_SCHEMA}", text)
    for name, text in _schemas().items():
        files[target / name] = text
    return files


def init_command(args: argparse.Namespace) -> int:
    target = Path(args.dir)
    files = plan(target)
    existing = [path for path in files if path.exists()]
    if existing:
        names = ", ".join(str(p) for p in existing)
        print(f"mockserver init: not overwriting existing files: {names}", file=sys.stderr)
        return 1
    for path, text in files.items():
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
        print(f"wrote {path}")
    scenario = target / "scenarios" / f"{STARTER}.yaml"
    print(f"next: mockserver validate {scenario} && mockserver serve --scenario {scenario}")
    return 0


def add_commands(commands: Any) -> None:
    parser = commands.add_parser("init", help="write a starter scenario (a copy of the demo) to edit")
    parser.add_argument("dir", nargs="?", default=".", metavar="DIR", help="folder to write into")
    parser.set_defaults(func=init_command)
