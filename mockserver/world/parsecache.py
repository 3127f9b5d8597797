"""A content-addressed cache of large YAML files, parsed (docs/scenarios.md, "Large worlds").

Parsing YAML is slow even through libyaml (every scalar goes through Python-level type resolution:
a 14 MB world of 300,000 items takes seconds), while the json module reads the same data in a
fraction of that. So a YAML file of at least ``MIN_BYTES`` that PyYAML parsed cleanly (not one
yaml-rs parsed: that is already fast, mockserver/world/fastyaml.py) is stored once as
JSON under the SHA-256 of its text, and later loads of the same text read that instead. Only data
JSON holds exactly is stored (a timestamp or a set: no cache); any unreadable,
missing or corrupt entry just means parsing the YAML again.

Where: ``$MOCKSERVER_CACHE_DIR``, else ``$XDG_CACHE_HOME/mockserver/parsed``, else
``~/.cache/mockserver/parsed``; ``MOCKSERVER_CACHE_DIR=off`` turns it off. Bounded: at most
``MAX_ENTRIES`` files, the least recently used go first. Safe to delete at any time.
"""

from __future__ import annotations

import functools
import hashlib
import json
import os
import tempfile
from pathlib import Path
from typing import Any

MIN_BYTES = 1_000_000
MAX_ENTRIES = 8


@functools.cache
def _format() -> str:
    import yaml  # only for a file this large: the loader has it by then

    return f"1-pyyaml{yaml.__version__}"  # a new parser or format: new keys, old entries age out


def cache_dir() -> Path | None:
    configured = os.environ.get("MOCKSERVER_CACHE_DIR")
    if configured is not None:
        return None if configured in ("", "off") else Path(configured)
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "mockserver" / "parsed"


def _entry(text: str) -> Path | None:
    if len(text) < MIN_BYTES:
        return None
    folder = cache_dir()
    if folder is None:
        return None
    digest = hashlib.sha256(f"{_format()}\0{text}".encode("utf-8", "surrogatepass")).hexdigest()
    return folder / f"{digest}.json"


def cached(text: str) -> Any | None:
    """The data of ``text`` parsed before, or None (not cached, or the entry is unreadable)."""
    entry = _entry(text)
    if entry is None:
        return None
    try:
        data = json.loads(entry.read_text(encoding="utf-8"))
        os.utime(entry)  # recently used: evicted last
    except (OSError, ValueError):
        return None
    return data


def store(text: str, data: Any) -> None:
    """Keep ``data``, what the scenario loader parsed ``text`` to (duplicate keys refused, every key the
    text written), when JSON holds it exactly: a value JSON has no type for (a timestamp, a set, bytes,
    NaN) makes ``json.dumps`` fail, and then nothing is stored."""
    entry = _entry(text)
    if entry is None:
        return
    try:
        encoded = json.dumps(data, ensure_ascii=False, allow_nan=False, check_circular=False)
    except (TypeError, ValueError, RecursionError):
        return
    temporary: str | None = None
    try:
        entry.parent.mkdir(parents=True, exist_ok=True)
        with tempfile.NamedTemporaryFile("w", encoding="utf-8", dir=entry.parent, suffix=".tmp", delete=False) as f:
            temporary = f.name
            f.write(encoded)
        os.replace(temporary, entry)  # readers see a whole entry or none
        temporary = None
        _evict(entry.parent)
    except OSError:
        if temporary is not None:
            Path(temporary).unlink(missing_ok=True)


def _evict(folder: Path) -> None:
    entries = sorted(folder.glob("*.json"), key=lambda p: p.stat().st_mtime, reverse=True)
    for old in entries[MAX_ENTRIES:]:
        old.unlink(missing_ok=True)
