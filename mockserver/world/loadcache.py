"""What an earlier load validated, reused when nothing it depended on has changed.

Validating the demo costs ``serve`` and ``validate`` about 90 ms of CPU at every start (building the
scenario models' validators, then validating, checking references, advising), a third of start-up.
A scenario that loaded cleanly is kept, pickled (``LoadedScenario``: the models, the file list and
the warnings), under a key made of everything the result depends on:

* the scenario's text, its path as given and the working directory (fixture paths resolve against them);
* the code: each file of the ``mockserver`` package (path, size, modification time), and the versions
  of Python, pydantic, pydantic-core and PyYAML;
* the local time zone (naive timestamps are checked against the clock's range in local time);

and the entry lists each fixture file with the SHA-256 of its text, compared on every use. Anything
different, missing, unreadable or corrupt means loading the files again, the usual way; a scenario
with problems is never kept, so every error is reported exactly as before. A stale entry therefore
cannot change what a load returns; at worst it is unused.

Only small scenarios (texts up to ``MAX_BYTES``; large worlds have ``parsecache``). Where: the parse
cache's folder (``MOCKSERVER_CACHE_DIR``; ``off`` turns both off), at most ``MAX_ENTRIES`` entries,
the least recently used go first. An entry is read only when this user owns it and its folder and
no one else may write to either (a pickle runs code when read).
"""

from __future__ import annotations

import contextlib
import hashlib
import importlib.util
import os
import pickle
import sys
import tempfile
import time
from pathlib import Path

import pydantic
import pydantic_core

import mockserver
from mockserver.world import parsecache
from mockserver.world.gcpause import gc_paused
from mockserver.world.loader import LoadedScenario, _read, load_scenario_text

MAX_BYTES = parsecache.MIN_BYTES
MAX_ENTRIES = 16
_SUFFIX = ".loaded"
_FORMAT = "1"
_PACKAGE = Path(mockserver.__file__).parent
_MTIME_SLACK_S = 2.0  # coarse file system clocks: "written just before the load" counts as during


def _code_fingerprint() -> str:
    """Every file of the package (a checkout being edited changes it) and the libraries' versions
    (PyYAML's by its ``__init__.py``, which holds it: importing PyYAML is what a hit saves)."""
    yaml = importlib.util.find_spec("yaml")
    where = yaml.origin if yaml is not None and yaml.origin else ""
    yaml_file = os.stat(where) if where else None
    pyyaml = f"{where}\0{yaml_file.st_size}\0{yaml_file.st_mtime_ns}" if yaml_file else "-"
    digest = hashlib.sha256(
        f"{_FORMAT}\0{sys.version}\0{pydantic.VERSION}\0{pydantic_core.__version__}\0{pyyaml}".encode()
    )
    folders = [str(_PACKAGE)]
    while folders:
        with os.scandir(folders.pop()) as entries:
            for entry in sorted(entries, key=lambda e: e.name):
                if entry.is_dir(follow_symlinks=False):
                    if entry.name != "__pycache__":
                        folders.append(entry.path)
                    continue
                stat = entry.stat()
                digest.update(f"{entry.path}\0{stat.st_size}\0{stat.st_mtime_ns}\n".encode("utf-8", "surrogatepass"))
    return digest.hexdigest()


def _key(path: Path, text: str) -> str:
    zone = f"{os.environ.get('TZ')}\0{time.timezone}\0{time.altzone}\0{time.tzname}"
    where = f"{path}\0{os.getcwd()}\0{zone}\0{_code_fingerprint()}\0"
    return hashlib.sha256(where.encode("utf-8", "surrogatepass") + text.encode("utf-8", "surrogatepass")).hexdigest()


def _text_digest(path: Path) -> str | None:
    try:
        return hashlib.sha256(path.read_bytes()).hexdigest()
    except OSError:
        return None


def _trusted(path: Path) -> bool:
    """Owned by this user and writable by no one else (POSIX; elsewhere the folder's rules apply)."""
    if not hasattr(os, "getuid"):
        return True
    try:
        stat = path.stat()
    except OSError:
        return False
    return stat.st_uid == os.getuid() and not stat.st_mode & 0o022


def _cached(entry: Path) -> LoadedScenario | None:
    if not (_trusted(entry.parent) and _trusted(entry)):
        return None
    try:
        with entry.open("rb") as f:
            fixtures, loaded = pickle.load(f)
    except Exception:  # any unreadable entry (truncated, written by other code) is a miss
        return None
    if not isinstance(loaded, LoadedScenario) or not isinstance(fixtures, list):
        return None
    for name, digest in fixtures:
        if _text_digest(Path(name)) != digest:
            return None  # a fixture changed (or is gone): load again, reporting as usual
    with contextlib.suppress(OSError):
        os.utime(entry)  # recently used: evicted last
    return loaded


def _store(entry: Path, loaded: LoadedScenario, fixtures: list[tuple[str, str | None]]) -> None:
    try:
        encoded = pickle.dumps((fixtures, loaded), protocol=pickle.HIGHEST_PROTOCOL)
    except Exception:  # a value that does not pickle: nothing kept
        return
    temporary: str | None = None
    try:
        entry.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        with tempfile.NamedTemporaryFile("wb", dir=entry.parent, suffix=".tmp", delete=False) as f:
            temporary = f.name  # created 0600
            f.write(encoded)
        os.replace(temporary, entry)  # readers see a whole entry or none
        temporary = None
        entries = sorted(entry.parent.glob(f"*{_SUFFIX}"), key=lambda p: p.stat().st_mtime, reverse=True)
        for old in entries[MAX_ENTRIES:]:
            old.unlink(missing_ok=True)
    except OSError:
        if temporary is not None:
            Path(temporary).unlink(missing_ok=True)


def load_scenario(path: Path) -> LoadedScenario:
    """``mockserver.world.loader.load_scenario(path)``, reusing an earlier load of the same files by
    the same code. Errors (``ScenarioError``) are those of the loader: a failed load is never kept."""
    text = _read(path, str(path))
    folder = parsecache.cache_dir() if len(text) <= MAX_BYTES else None
    try:
        entry = folder / f"{_key(path, text)}{_SUFFIX}" if folder is not None else None
    except OSError:  # the working directory is gone, the package unreadable: no cache
        entry = None
    if entry is not None:
        loaded = _cached(entry)
        if loaded is not None:
            return loaded
    began = time.time()
    with gc_paused(collect=False):  # as the loader: loading leaves no cyclic garbage behind
        loaded = load_scenario_text(text, str(path), path.parent)
    loaded.files.insert(0, path)
    if entry is not None:
        fixtures = [_fixture(p, began) for p in loaded.files[1:]]
        size = len(text) + sum(size for _, _, size in fixtures)
        # Kept only when every fixture is readable, small enough and untouched since before the load.
        if size <= MAX_BYTES and all(digest for _, digest, _ in fixtures):
            _store(entry, loaded, [(name, digest) for name, digest, _ in fixtures])
    return loaded


def _fixture(path: Path, began: float) -> tuple[str, str | None, int]:
    """Name, SHA-256 and size of a fixture the load read; no digest when it is unreadable or was
    written since shortly before the load began (then the text hashed may not be the one validated)."""
    try:
        stat = path.stat()
        data = path.read_bytes()
    except OSError:
        return str(path), None, 0
    if stat.st_mtime >= began - _MTIME_SLACK_S:
        return str(path), None, len(data)
    return str(path), hashlib.sha256(data).hexdigest(), len(data)
