"""The request journal of one tenant: bounded, counting what it drops, secrets masked on the way out.

Each entry holds what a test wants to check afterwards: method, path (inside the tenant's
wwwroot), parameters, wsfunction, the user the request names and the user it acts as, the
status, a masked excerpt of the answer, the timing on the tenant's clock and in real time, and
the fault that hit it. Raw parameter values stay in memory so that verifications can match
them; everything that leaves the server goes through ``mask_*``.
"""

from __future__ import annotations

import asyncio
import json
from collections import deque
from collections.abc import AsyncIterator, Iterable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, Protocol

from pydantic import Field

from mockserver.admin.faultspec import MatchSpec
from mockserver.admin.masking import mask_params, mask_text
from mockserver.admin.matching import RequestFacts, differences

EXCERPT_BYTES = 2048
DEFAULT_JOURNAL_BYTES = 64 * 1024 * 1024
"""Per tenant, what the kept entries may weigh together (``--journal-bytes``)."""
DEFAULT_ENTRY_BYTES = 64 * 1024
"""Request parameters one entry keeps (``--journal-entry-bytes``); the rest is cut off, see ``trim``."""
READ_CHUNK = 32
"""Entries serialised between two returns to the event loop when the journal is read."""
ENTRY_OVERHEAD = 1024
"""What an entry costs besides its variable parts (objects, numbers), counted in its weight."""


@dataclass(slots=True)
class ResponseFacts:
    status: int | None
    content_type: str | None = None
    length: int = 0
    location: str | None = None
    excerpt: bytes = b""


@dataclass(slots=True)
class JournalEntry:
    seq: int
    request: RequestFacts
    response: ResponseFacts
    time: float
    wall: float
    duration_ms: float
    fault: str | None = None
    outcome: str = "ok"
    truncated: int = 0
    """Bytes of request parameters left out because the entry would be larger than allowed."""

    @property
    def status(self) -> int | None:
        return self.response.status

    def weight(self) -> int:
        """Bytes this entry holds on to, roughly: what ``Journal.max_bytes`` counts."""
        return ENTRY_OVERHEAD + self.request.weight() + len(self.response.excerpt) + len(self.response.location or "")

    def summary(self) -> str:
        """One line for failure messages: ``#3 POST /webservice/rest/server.php auth_userkey_... -> 200``."""
        request = self.request
        parts = [f"#{self.seq}", request.method, request.path]
        if request.wsfunction:
            parts.append(request.wsfunction)
        if request.user:
            parts.append(f"user={request.user}")
        parts.append(f"-> {self.status if self.status is not None else self.outcome}")
        if self.fault:
            parts.append(f"[fault {self.fault}]")
        return " ".join(parts)

    def to_json(self) -> dict[str, Any]:
        request, response = self.request, self.response
        return {
            "seq": self.seq,
            "tenant": request.tenant,
            "time": round(self.time, 3),
            "at": datetime.fromtimestamp(self.time, tz=UTC).isoformat(timespec="milliseconds"),
            "wall": round(self.wall, 3),
            "method": request.method,
            "path": request.path,
            "query": mask_params(request.query),
            "form": mask_params(request.form),
            "wsfunction": request.wsfunction,
            "user": request.user,
            "actor": request.actor,
            "status": response.status,
            "duration_ms": round(self.duration_ms, 3),
            "response": {
                "content_type": response.content_type,
                "length": response.length,
                "location": mask_text(response.location) if response.location else None,
                "body": mask_text(response.excerpt.decode("utf-8", "replace")),
            },
            "fault": self.fault,
            "outcome": self.outcome,
            "truncated": self.truncated,
        }


class JournalQuery(MatchSpec):
    """A journal filter / verification pattern: request fields plus status and a time window."""

    status: int | None = Field(None, description="HTTP status of the answer.")
    since: float | None = Field(None, description="On or after this tenant-clock time (Unix seconds).")
    until: float | None = Field(None, description="On or before this tenant-clock time (Unix seconds).")

    def differences(self, entry: JournalEntry) -> list[str]:
        found = differences(self, entry.request)
        if self.status is not None and self.status != entry.status:
            found.append(f"status: expected {self.status}, got {entry.status if entry.status is not None else 'none'}")
        if self.since is not None and entry.time < self.since:
            found.append(f"time: {entry.time:.3f} is before since={self.since}")
        if self.until is not None and entry.time > self.until:
            found.append(f"time: {entry.time:.3f} is after until={self.until}")
        return found

    def matches(self, entry: JournalEntry) -> bool:
        return not self.differences(entry)


class JournalStore(Protocol):
    """What the middleware and the admin API use of a journal: ``Journal`` here, one shared by every
    process in ``mockserver.stores.journal``."""

    @property
    def size(self) -> int: ...
    @property
    def total(self) -> int: ...
    @property
    def dropped(self) -> int: ...
    @property
    def enabled(self) -> bool: ...
    def next_seq(self) -> int: ...
    def append(self, entry: JournalEntry) -> None: ...
    def clear(self) -> None: ...
    def entries(self) -> list[JournalEntry]: ...
    def select(self, query: JournalQuery, after: int = 0, limit: int | None = None) -> list[JournalEntry]: ...
    def status(self) -> dict[str, int]: ...
    def __len__(self) -> int: ...


class Journal:
    """The last entries of a tenant, at most ``size`` of them weighing at most ``max_bytes``
    together (oldest dropped first); ``dropped`` says how many were let go."""

    def __init__(self, size: int, max_bytes: int = DEFAULT_JOURNAL_BYTES) -> None:
        self.size = max(size, 0)
        self.max_bytes = max(max_bytes, 0)
        self._entries: deque[JournalEntry] = deque()
        self._weights: deque[int] = deque()
        self.bytes = 0
        self.total = 0
        self.dropped = 0

    @property
    def enabled(self) -> bool:
        return self.size > 0

    def next_seq(self) -> int:
        self.total += 1
        return self.total

    def append(self, entry: JournalEntry) -> None:
        if not self.enabled:
            return
        weight = entry.weight()
        self._entries.append(entry)
        self._weights.append(weight)
        self.bytes += weight
        # The newest entry always stays (an entry is already trimmed to the per-entry limit).
        while len(self._entries) > 1 and (len(self._entries) > self.size or self.bytes > self.max_bytes):
            self._entries.popleft()
            self.bytes -= self._weights.popleft()
            self.dropped += 1

    def clear(self) -> None:
        self._entries.clear()
        self._weights.clear()
        self.bytes = 0
        self.total = 0
        self.dropped = 0

    def entries(self) -> list[JournalEntry]:
        return list(self._entries)

    def __len__(self) -> int:
        return len(self._entries)

    def select(self, query: JournalQuery, after: int = 0, limit: int | None = None) -> list[JournalEntry]:
        """Entries matching ``query`` with seq > ``after``, oldest first; ``limit`` keeps the newest."""
        found = [e for e in self._entries if e.seq > after and query.matches(e)]
        return found[-limit:] if limit else found

    def status(self) -> dict[str, int]:
        return {
            "size": self.size,
            "kept": len(self._entries),
            "total": self.total,
            "dropped": self.dropped,
            "bytes": self.bytes,
            "max_bytes": self.max_bytes,
        }


def as_json(entries: Iterable[JournalEntry]) -> list[dict[str, Any]]:
    return [e.to_json() for e in entries]


def _dumps(value: Any) -> str:
    # Starlette's JSONResponse settings: the streamed document is byte for byte what it would give.
    return json.dumps(value, ensure_ascii=False, allow_nan=False, indent=None, separators=(",", ":"))


async def json_chunks(head: dict[str, Any], entries: list[JournalEntry]) -> AsyncIterator[bytes]:
    """``{**head, "entries": [...]}`` as JSON in pieces, giving the event loop back after every
    ``READ_CHUNK`` entries: other requests (``/__mock/health``, the tenants' traffic) are answered
    while a full journal is serialised. ``entries`` is a snapshot (a list), so new requests may be
    journaled meanwhile."""
    opening = _dumps(head)[:-1]
    yield (opening + ("," if head else "") + '"entries":[').encode()
    for start in range(0, len(entries), READ_CHUNK):
        piece = ",".join(_dumps(e.to_json()) for e in entries[start : start + READ_CHUNK])
        yield (("," if start else "") + piece).encode()
        await asyncio.sleep(0)
    yield b"]}"
