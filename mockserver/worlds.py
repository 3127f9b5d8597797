"""The scenarios and fixtures shipped with the package, and finding a scenario by name or path.

The repository's top-level ``scenarios/`` and ``fixtures/`` are the source of truth. A built wheel
carries copies of both under ``mockserver/_worlds/`` (setup.py's build step), side by side, so the
``../fixtures/...`` paths inside the scenarios resolve the same way installed as in the repository.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

_PACKAGE = Path(__file__).resolve().parent
DEFAULT_SCENARIO = "demo"
SUFFIXES = (".yaml", ".yml")


def worlds_root() -> Path:
    """The folder holding ``scenarios/`` and ``fixtures/``: the wheel's copy, else the repository's."""
    installed = _PACKAGE / "_worlds"
    if (installed / "scenarios").is_dir():
        return installed
    return _PACKAGE.parent  # a source checkout or an editable install


def shipped_dir() -> Path:
    return worlds_root() / "scenarios"


def shipped_scenarios() -> list[Path]:
    """Every shipped scenario file, sorted by name."""
    folder = shipped_dir()
    if not folder.is_dir():
        return []
    return sorted(p for p in folder.iterdir() if p.suffix in SUFFIXES and p.is_file())


def shipped(name: str) -> Path | None:
    """The shipped scenario called ``name`` (``demo``, ``demo.yaml``), if there is one."""
    if not name or "/" in name or "\\" in name or name.startswith("."):
        return None
    for candidate in (name, *(name + suffix for suffix in SUFFIXES)):
        path = shipped_dir() / candidate
        if path.suffix in SUFFIXES and path.is_file():
            return path
    return None


@dataclass(frozen=True)
class ScenarioNotFound(Exception):
    """No file answers to a scenario name; ``tried`` lists every place looked at, in order."""

    name: str
    tried: tuple[Path, ...]

    def __str__(self) -> str:
        places = ", ".join(str(p) for p in self.tried)
        return f"scenario {self.name!r} not found (looked at: {places}; `mockserver scenarios` lists the shipped ones)"


def find_scenario(name: str | Path, bases: tuple[Path, ...] = ()) -> Path:
    """A scenario file from a path (absolute, or relative to each of ``bases``, else the working
    directory) or the name of a shipped scenario. Raises ``ScenarioNotFound`` naming every place tried."""
    text = str(name)
    candidate = Path(text)
    tried: list[Path] = []
    if candidate.is_absolute():
        tried.append(candidate)
    else:
        for base in (*bases, Path.cwd()) if bases else (Path.cwd(),):
            path = base / candidate
            if path not in tried:
                tried.append(path)
    for path in tried:
        if path.is_file():
            return path
    found = shipped(text)
    if found is not None:
        return found
    tried.append(shipped_dir() / (text if candidate.suffix in SUFFIXES else text + ".yaml"))
    raise ScenarioNotFound(text, tuple(tried))


def describe(path: Path) -> str:
    """The first line of a scenario's ``description`` (or its leading comment), for listings."""
    import yaml

    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, ValueError, yaml.YAMLError):
        return ""
    text = data.get("description") if isinstance(data, dict) else None
    if not text:
        for line in path.read_text(encoding="utf-8").splitlines():
            if line.startswith("#") and not line.startswith("# yaml-language-server"):
                return line.lstrip("# ").strip()
            if line.strip():
                break
        return ""
    return " ".join(str(text).split())
