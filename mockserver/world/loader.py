"""Load scenario and fixture files into typed specs, reporting errors by file, line and key."""

from __future__ import annotations

import functools
import json
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from pydantic import BaseModel, TypeAdapter, ValidationError

from mockserver.moodle.plugins.scenario import move_legacy
from mockserver.world import fastyaml, parsecache
from mockserver.world.advice import advise
from mockserver.world.consistency import check_references
from mockserver.world.diagnose import prune, unknown_key_message
from mockserver.world.gcpause import gc_paused
from mockserver.world.rows import fast_rows, to_row
from mockserver.world.spec import CourseSpec, EnrolmentSpec, Fixtures, Scenario, UserSpec

if TYPE_CHECKING:  # PyYAML is imported on the first parse: a start whose scenario was validated before
    import yaml  # (mockserver/world/loadcache.py) never parses, and skips its ~15 ms

Location = tuple[str | int, ...]


@dataclass(frozen=True)
class Problem:
    file: str
    line: int
    key: str
    message: str

    def __str__(self) -> str:
        where = f"{self.file}:{self.line}" if self.line else self.file
        return f"{where}: {self.key}: {self.message}" if self.key else f"{where}: {self.message}"


class ScenarioError(Exception):
    """A scenario or fixture file is invalid; ``problems`` name file, line and key (sorted by both)."""

    def __init__(self, problems: list[Problem]) -> None:
        problems = sorted(problems, key=lambda p: (p.file, p.line))
        super().__init__("\n".join(str(p) for p in problems))
        self.problems = problems


@dataclass
class LoadedScenario:
    scenario: Scenario
    files: list[Path] = field(default_factory=list)
    warnings: list[Problem] = field(default_factory=list)
    """Values Moodle would store but never match (``mockserver validate`` shows them)."""


class _Duplicate(Exception):
    """A mapping repeats a key: the slow path reports it with its line."""


@functools.cache
def _loaders() -> tuple[type[yaml.SafeLoader], type[yaml.SafeLoader]]:
    """libyaml's parser when PyYAML was built with it (a large world parses ~10x faster), and the fast
    loader built on it (``_FastLoader``)."""
    import yaml

    base: type[yaml.SafeLoader] = getattr(yaml, "CSafeLoader", yaml.SafeLoader)

    class _FastLoader(base):  # type: ignore[valid-type,misc]
        """Builds the data straight from libyaml's events, with no node tree kept and no line map: the
        map is built only when an error needs a line. Mappings follow ``_to_python``: scalar keys stay
        the text written (``1:`` is the key "1"), ``<<`` is an ordinary key, a repeated key is an error."""

        def construct_mapping(self, node: yaml.MappingNode, deep: bool = False) -> dict[Any, Any]:
            result: dict[Any, Any] = {}
            for key_node, value_node in node.value:
                key = (
                    key_node.value
                    if isinstance(key_node, yaml.ScalarNode)
                    else self.construct_object(key_node, deep=True)
                )
                if key in result:
                    raise _Duplicate
                result[key] = self.construct_object(value_node, deep=True)
            return result

    return base, _FastLoader


def __getattr__(name: str) -> Any:
    # ``_LOADER`` and ``_FastLoader`` as module attributes, built on first use (tests read them).
    if name in ("_LOADER", "_FastLoader"):
        return _loaders()[name == "_FastLoader"]
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def _json_object(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    result = dict(pairs)
    if len(result) != len(pairs):
        raise _Duplicate
    return result


def _to_python(
    node: yaml.Node,
    path: Location,
    lines: dict[Location, int],
    duplicates: list[tuple[int, str, str]],
    constructor: yaml.constructor.SafeConstructor,
) -> Any:
    import yaml

    lines[path] = node.start_mark.line + 1
    if isinstance(node, yaml.MappingNode):
        result: dict[Any, Any] = {}
        for key_node, value_node in node.value:
            key = (
                key_node.value
                if isinstance(key_node, yaml.ScalarNode)
                else constructor.construct_object(key_node, deep=True)
            )
            try:
                hash(key)
            except TypeError:  # a list or a mapping as a key (``? - x``): no key at all
                duplicates.append((key_node.start_mark.line + 1, ".".join(map(str, path)), "found unhashable key"))
                continue
            if key in result:
                duplicates.append((key_node.start_mark.line + 1, ".".join(map(str, (*path, key))), "duplicate key"))
            result[key] = _to_python(value_node, (*path, key), lines, duplicates, constructor)
        return result
    if isinstance(node, yaml.SequenceNode):
        return [_to_python(item, (*path, i), lines, duplicates, constructor) for i, item in enumerate(node.value)]
    return constructor.construct_object(node, deep=True)


def parse_text_with_lines(text: str, source: str) -> tuple[Any, dict[Location, int]]:
    """Parse YAML (or JSON) text, keeping the line of every key (slow: the errors' path)."""
    import yaml

    lines: dict[Location, int] = {}
    dupes: list[tuple[int, str, str]] = []
    try:
        node = yaml.compose(text, Loader=_loaders()[0])
    except yaml.YAMLError:
        # Report with the pure-Python parser: its marks point at the offending line.
        try:
            node = yaml.compose(text, Loader=yaml.SafeLoader)
        except yaml.YAMLError as exc:
            mark = getattr(exc, "problem_mark", None)
            line = mark.line + 1 if mark else 0
            problem = getattr(exc, "problem", None) or str(exc)
            raise ScenarioError([Problem(source, line, "", f"not valid YAML: {problem}")]) from None
    if node is None:
        return {}, lines
    data = _to_python(node, (), lines, dupes, yaml.constructor.SafeConstructor())
    if dupes:
        raise ScenarioError([Problem(source, line, key, message) for line, key, message in dupes])
    return data, lines


class Lines(Mapping[Location, int]):
    """Key location -> line, computed from the text on first use (only errors need it)."""

    def __init__(self, text: str, source: str, legacy: bool = False) -> None:
        self._text = text
        self._source = source
        self._legacy = legacy  # a scenario: plugin settings at old places get their new locations too
        self._lines: dict[Location, int] | None = None

    def _built(self) -> dict[Location, int]:
        if self._lines is None:
            data, lines = parse_text_with_lines(self._text, self._source)
            if self._legacy and isinstance(data, dict):
                move_legacy(data, lines)
            self._lines = lines
        return self._lines

    def __getitem__(self, key: Location) -> int:
        return self._built()[key]

    def __iter__(self) -> Iterator[Location]:
        return iter(self._built())

    def __len__(self) -> int:
        return len(self._built())


def parse_text(
    text: str, source: str, legacy: bool = False, *, compiled: bool = True
) -> tuple[Any, Mapping[Location, int]]:
    """Parse YAML (JSON when ``source`` ends in .json); lines come lazily from ``Lines``.

    The fast path (the json module; for YAML a large file parsed before, yaml-rs when it reads the
    text as PyYAML does (``compiled``: mockserver/world/fastyaml.py), else libyaml straight to Python
    objects) handles valid files; anything it rejects goes through the slow path, which names the line
    of the problem."""
    import yaml

    try:
        if source.endswith(".json"):
            data = json.loads(text, object_pairs_hook=_json_object)
        else:
            # a large file parsed before (mockserver/world/parsecache.py)
            data = parsecache.cached(text) if compiled else None
            if data is None:
                data = fastyaml.load(text) if compiled else None
                if data is None:  # PyYAML: slow for a large file, so its result is kept for next time
                    data = yaml.load(text, Loader=_loaders()[1])
                    parsecache.store(text, data)
    except (_Duplicate, ValueError, TypeError, yaml.YAMLError):
        data, lines = parse_text_with_lines(text, source)
        return data, lines
    return ({} if data is None else data), Lines(text, source, legacy)


def _line_for(loc: Location, lines: Mapping[Location, int]) -> int:
    for end in range(len(loc), -1, -1):
        if loc[:end] in lines:
            return lines[loc[:end]]
    return 0


def _problems(
    exc: ValidationError, source: str, lines: Mapping[Location, int], model: type[BaseModel] | None = None
) -> list[Problem]:
    problems = []
    for error in exc.errors():
        loc = tuple(p for p in error["loc"] if not (isinstance(p, str) and "[" in p))
        key = ".".join(str(p) for p in loc)
        message = error["msg"]
        if error["type"] == "extra_forbidden" and model is not None:
            message = unknown_key_message(model, loc)  # "did you mean `sitename`?"
        problems.append(Problem(source, _line_for(loc, lines), key, message))
    return problems


@dataclass
class Origins:
    """Where each merged list item came from, so later checks can name file and line: one run of
    items per file and collection (not one record per item: a large world has 300,000)."""

    runs: dict[str, list[tuple[int, str, Mapping[Location, int]]]] = field(default_factory=dict)
    sizes: dict[str, int] = field(default_factory=dict)

    def add(self, collection: str, count: int, source: str, lines: Mapping[Location, int]) -> None:
        if count:
            start = self.sizes.get(collection, 0)
            self.runs.setdefault(collection, []).append((start, source, lines))
            self.sizes[collection] = start + count

    def _origin(self, collection: str, position: int) -> tuple[str, Mapping[Location, int], int] | None:
        if not 0 <= position < self.sizes.get(collection, 0):
            return None
        for start, source, lines in reversed(self.runs[collection]):
            if position >= start:
                return source, lines, position - start
        return None

    def problem(
        self, loc: Location, message: str, fallback: str, fallback_lines: Mapping[Location, int] | None = None
    ) -> Problem:
        """``loc`` in the merged scenario -> file, line and key where it was written; outside the merged
        lists, a key of the scenario file itself (``fallback``, with ``fallback_lines``)."""
        for split in (2, 1):
            collection = ".".join(str(p) for p in loc[:split])
            position = loc[split] if len(loc) > split else None
            origin = self._origin(collection, position) if isinstance(position, int) else None
            if origin is not None:
                source, lines, index = origin
                local = (*loc[:split], index, *loc[split + 1 :])
                return Problem(source, _line_for(local, lines), ".".join(map(str, local)), message)
        line = _line_for(loc, fallback_lines) if fallback_lines is not None else 0
        return Problem(fallback, line, ".".join(map(str, loc)), message)


@dataclass
class Partial:
    """A file validated as far as it goes: the model of what is valid (``None`` when nothing could
    be salvaged), the problems, and the strings of list items left out (not "unknown" elsewhere)."""

    model: Any
    lines: Mapping[Location, int]
    problems: list[Problem]
    dropped: set[str] = field(default_factory=set)


_PRUNE_ROUNDS = 4  # an unknown key, then a bad value, then the item holding it, ...


def validate_partial(model: type[BaseModel], text: str, source: str, *, chunked: bool = True) -> Partial:
    """Validate ``text`` as ``model``; on errors, validate again without the parts that failed.
    The errors of a large file come from a second parse, by PyYAML (``chunked`` False)."""
    data, lines = parse_text(text, source, legacy=model is Scenario, compiled=chunked)
    if not isinstance(data, dict):
        return Partial(None, lines, [Problem(source, 1, "", "the file must hold a mapping of keys")])
    if not data and "{" not in text:  # nothing but comments or blank lines ("{}" is an empty world)
        return Partial(None, lines, [Problem(source, 0, "", "the file is empty (a scenario needs at least `name:`)")])
    data.pop("$schema", None)  # the JSON Schema editors validate against (yaml-language-server)
    if model is Scenario:
        # plugin settings at old places; errors keep their lines (``Lines`` maps them when built)
        data = move_legacy(data, lines if isinstance(lines, dict) else None)
    if chunked and any(isinstance(data.get(name), list) and len(data[name]) >= LARGE_LIST for name in _CHUNKED):
        valid = _validate_in_chunks(model, data)
        if valid is not None:
            return Partial(valid, lines, [])
        return validate_partial(model, text, source, chunked=False)  # an error: the whole text, the usual report
    try:
        return Partial(model.model_validate(data), lines, [])
    except ValidationError as exc:
        problems = _problems(exc, source, lines, model)
        errors = exc.errors()
    dropped: set[str] = set()
    for attempt in range(_PRUNE_ROUNDS):
        pruned = prune(data, errors, escalate=attempt > 0)
        if pruned is None:
            break
        data, gone = pruned
        dropped |= gone
        try:
            return Partial(model.model_validate(data), lines, problems, dropped)
        except ValidationError as exc:
            errors = exc.errors()
    return Partial(None, lines, problems, dropped)


LARGE_LIST = 10_000
_CHUNK = 5_000
_CHUNKED: dict[str, type[BaseModel]] = {"users": UserSpec, "courses": CourseSpec, "enrolments": EnrolmentSpec}


@functools.cache
def _list_adapter(item: type[BaseModel]) -> TypeAdapter[list[Any]]:
    return TypeAdapter(list[item])  # type: ignore[valid-type]


def _validate_in_chunks(model: type[BaseModel], data: dict[str, Any]) -> Any | None:
    """``model`` from ``data`` (a large world), its long lists validated a chunk at a time and kept as
    compact rows (mockserver/world/rows.py: a tuple per item, not a model), each chunk's parsed dicts
    freed as soon as its rows exist: the raw data and the rows never both hold the whole world.
    Plain items are checked column by column (``fast_rows``); any other chunk goes through pydantic,
    items validating exactly as inside ``model``. ``data`` is used up; None on any error (the caller
    validates the text again, whole, for the usual report)."""
    lists: dict[str, list[Any]] = {}
    try:
        for name, item in _CHUNKED.items():
            raw = data.get(name)
            if not isinstance(raw, list) or len(raw) < LARGE_LIST:
                continue
            adapter = _list_adapter(item)
            done: list[Any] = []
            canonical: dict[str, str] = {}
            for start in range(0, len(raw), _CHUNK):
                chunk = raw[start : start + _CHUNK]
                rows = fast_rows(item, chunk, canonical)
                done.extend(map(to_row, adapter.validate_python(chunk)) if rows is None else rows)
                raw[start : start + _CHUNK] = [None] * len(chunk)
                del chunk
            lists[name] = done
            del data[name]
        return model.model_validate(data).model_copy(update=lists)
    except ValidationError:
        return None


def validate_model_with_lines(model: type[BaseModel], text: str, source: str) -> tuple[Any, Mapping[Location, int]]:
    partial = validate_partial(model, text, source)
    if partial.problems:
        raise ScenarioError(partial.problems)
    return partial.model, partial.lines


def _read(path: Path, source: str) -> str:
    try:
        return path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise ScenarioError([Problem(source, 0, "", "file not found")]) from None
    except (OSError, ValueError) as exc:  # ValueError: undecodable text, a NUL in the name
        raise ScenarioError([Problem(source, 0, "", f"cannot read: {exc}")]) from None


_LISTS = ("users", "courses", "enrolments", "services", "tokens", "categories", "profilefields", "userkeys")
_SENCE_LISTS = ("otecs", "courses", "students")


def _merge(
    parts: Iterable[tuple[Fixtures, str, Mapping[Location, int]]], scenario: Scenario, origins: Origins
) -> Scenario:
    merged: dict[str, list[Any]] = {name: [] for name in _LISTS}
    sence: dict[str, list[Any]] = {name: [] for name in _SENCE_LISTS}
    for part, source, lines in parts:
        for name in _LISTS:
            merged[name].extend(getattr(part, name))
            origins.add(name, len(getattr(part, name)), source, lines)
        for name in _SENCE_LISTS:
            sence[name].extend(getattr(part.sence, name))
            origins.add(f"sence.{name}", len(getattr(part.sence, name)), source, lines)
    return scenario.model_copy(update={**merged, "sence": scenario.sence.model_copy(update=sence)})


def load_scenario_text(text: str, source: str = "<scenario>", base_dir: Path | None = None) -> LoadedScenario:
    """Validate scenario text; fixture paths resolve against ``base_dir``.

    Every problem is reported at once: fixture files and cross-references are checked on what did
    validate even when other parts did not (``validate_partial``)."""
    partial = validate_partial(Scenario, text, source)
    scenario, lines = partial.model, partial.lines
    problems = list(partial.problems)
    dropped = set(partial.dropped)
    if scenario is None:
        raise ScenarioError(problems)
    files: list[Path] = []
    parts: list[tuple[Fixtures, str, Mapping[Location, int]]] = []
    for i, relative in enumerate(scenario.fixtures):
        path = (base_dir or Path.cwd()) / relative
        files.append(path)
        if not path.is_file():
            problems.append(
                Problem(source, _line_for(("fixtures", i), lines), f"fixtures.{i}", f"file not found: {path}")
            )
            continue
        try:
            fixture = validate_partial(Fixtures, _read(path, str(path)), str(path))
        except ScenarioError as exc:
            problems.extend(exc.problems)
            continue
        problems.extend(fixture.problems)
        dropped |= fixture.dropped
        if fixture.model is not None:
            parts.append((fixture.model, str(path), fixture.lines))
    clean = not problems
    parts.append((scenario, source, lines))
    origins = Origins()
    merged = _merge(parts, scenario, origins)
    for loc, message in check_references(merged):
        # a reference to something left out for its own error would only repeat that error
        if clean or not any(f"{value!r}" in message for value in dropped):
            problems.append(origins.problem(loc, message, source))
    if problems:
        raise ScenarioError(problems)
    warnings = [origins.problem(loc, message, source, lines) for loc, message in advise(merged)]
    return LoadedScenario(merged, files, warnings)


def load_scenario(path: Path) -> LoadedScenario:
    with gc_paused(collect=False):  # loading leaves no cyclic garbage behind: nothing to collect after
        loaded = load_scenario_text(_read(path, str(path)), str(path), path.parent)
    loaded.files.insert(0, path)
    return loaded
