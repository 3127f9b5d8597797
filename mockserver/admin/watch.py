"""Live reload (``mockserver serve --watch``): poll scenario and fixture files, reload on change.

Polling file modification times needs no extra dependency and works on bind mounts and network
file systems where change notifications do not arrive. Every tenant whose scenario came from a
file (or that lists fixture files) is watched. A broken edit keeps the last good world: the
problems are printed and shown in ``/__mock/ready``, ``/__mock/tenants/<name>`` and the dashboard,
and the next good save clears them.
"""

from __future__ import annotations

import asyncio
import sys
from collections.abc import Callable
from pathlib import Path
from typing import TextIO

from mockserver.admin.state import AdminState, TenantRuntime
from mockserver.world.loader import ScenarioError

FileStamp = tuple[int, int] | None
Stamp = dict[Path, FileStamp]


def file_stamp(path: Path) -> FileStamp:
    """Modification time and size (size catches edits within the file system's time resolution)."""
    try:
        info = path.stat()
    except OSError:
        return None
    return (info.st_mtime_ns, info.st_size)


def watched_files(runtime: TenantRuntime) -> list[Path]:
    files = list(runtime.tenant.loaded.files)
    if runtime.source is not None and runtime.source.path is not None and runtime.source.path not in files:
        files.insert(0, runtime.source.path)
    return files


class Watcher:
    def __init__(
        self, state: AdminState, log: TextIO | None = None, stamp: Callable[[Path], FileStamp] = file_stamp
    ) -> None:
        self.state = state
        self.log = log if log is not None else sys.stderr
        self._file_stamp = stamp
        self._stamps: dict[str, Stamp] = {}

    def _stamp(self, runtime: TenantRuntime) -> Stamp:
        return {path: self._file_stamp(path) for path in watched_files(runtime)}

    def check(self) -> list[str]:
        """One polling round; returns the names of tenants reloaded (or that failed to)."""
        touched: list[str] = []
        for runtime in self.state.all():
            if runtime.source is None:
                continue
            name = runtime.tenant.name
            stamp = self._stamp(runtime)
            previous = self._stamps.get(name)
            self._stamps[name] = stamp
            if previous is None or previous == stamp:
                continue
            touched.append(name)
            self.reload(runtime)
            self._stamps[name] = self._stamp(runtime)
        return touched

    def reload(self, runtime: TenantRuntime) -> bool:
        assert runtime.source is not None
        name = runtime.tenant.name
        try:
            loaded = runtime.source.load()
        except ScenarioError as exc:
            runtime.reload_error = str(exc)
            print(f"mockserver: reload of tenant {name!r} failed, keeping the last good world:\n{exc}", file=self.log)
            self.log.flush()
            return False
        self.state.replace(runtime, loaded, runtime.source, keep_journal=True)
        runtime.reloads += 1
        print(f"mockserver: reloaded tenant {name!r} from {runtime.source.describe()}", file=self.log)
        self.log.flush()
        return True

    async def run(self, interval: float) -> None:
        self.check()
        while True:
            await asyncio.sleep(interval)
            self.check()
