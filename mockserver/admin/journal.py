"""The request journal of one tenant: bounded, counting what it drops, secrets masked on the way out.

Each entry holds what a test wants to check afterwards: method, path (inside the tenant's
wwwroot), parameters, wsfunction, the user the request names and the user it acts as, the
status, a masked excerpt of the answer, the timing on the tenant's clock and in real time, and
the fault that hit it. Raw parameter values stay in memory so that verifications can match
them; everything that leaves the server goes through ``mask_*``.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, Protocol

from pydantic import Field

from mockserver.admin.faultspec import MatchSpec
from mockserver.admin.masking import mask_params, mask_text
from mockserver.admin.matching import RequestFacts, differences

EXCERPT_BYTES = 2048


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

    @property
    def status(self) -> int | None:
        return self.response.status

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
    """The last ``size`` entries of a tenant; ``dropped`` says how many older ones were let go."""

    def __init__(self, size: int) -> None:
        self.size = max(size, 0)
        self._entries: deque[JournalEntry] = deque(maxlen=self.size or 1)
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
        if len(self._entries) == self.size:
            self.dropped += 1
        self._entries.append(entry)

    def clear(self) -> None:
        self._entries.clear()
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
        return {"size": self.size, "kept": len(self._entries), "total": self.total, "dropped": self.dropped}


def as_json(entries: Iterable[JournalEntry]) -> list[dict[str, Any]]:
    return [e.to_json() for e in entries]
