"""Verification: count the journal entries matching a pattern and explain a mismatch.

On a mismatch the answer names the nearest requests (fewest differences, newest first) and what
differed, or the surplus matching requests when there were too many, plus a warning when the
journal dropped entries that could have counted.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Self

from pydantic import Field, model_validator

from mockserver.admin.journal import JournalEntry, JournalQuery, JournalStore

NEAREST = 3
_PATTERN_FIELDS = ("method", "path", "wsfunction", "user", "tenant", "status", "since", "until")


class Expectation(JournalQuery):
    """A pattern and how many requests should match it (default: at least one)."""

    count: int | None = Field(None, ge=0, description="Exactly this many.")
    at_least: int | None = Field(None, ge=0)
    at_most: int | None = Field(None, ge=0)

    @model_validator(mode="after")
    def _one_kind(self) -> Self:
        if self.count is not None and (self.at_least is not None or self.at_most is not None):
            raise ValueError("give count, or at_least/at_most, not both")
        return self

    def accepts(self, n: int) -> bool:
        if self.count is not None:
            return n == self.count
        low = self.at_least if self.at_least is not None else (0 if self.at_most is not None else 1)
        return n >= low and (self.at_most is None or n <= self.at_most)

    def wanted(self) -> str:
        if self.count is not None:
            return f"exactly {self.count}"
        if self.at_least is not None and self.at_most is not None:
            return f"between {self.at_least} and {self.at_most}"
        if self.at_most is not None:
            return f"at most {self.at_most}"
        return f"at least {self.at_least if self.at_least is not None else 1}"

    def describe(self) -> str:
        parts = [f"{name}={getattr(self, name)!r}" for name in _PATTERN_FIELDS if getattr(self, name) is not None]
        parts += [f"params[{k}]={v!r}" for k, v in self.params.items()]
        return "{" + ", ".join(parts) + "}" if parts else "{any request}"


@dataclass
class Verification:
    ok: bool
    count: int
    expectation: Expectation
    matched: list[JournalEntry]
    nearest: list[tuple[JournalEntry, list[str]]] = field(default_factory=list)
    dropped: int = 0

    @property
    def message(self) -> str:
        noun = "request" if self.count == 1 else "requests"
        head = (
            f"expected {self.expectation.wanted()} request(s) matching {self.expectation.describe()}, "
            f"found {self.count} {noun}"
        )
        lines = [head + "."]
        if not self.ok and self.nearest:
            lines.append("nearest requests:")
            lines += [f"  {entry.summary()}  differs: {'; '.join(diffs)}" for entry, diffs in self.nearest]
        elif not self.ok and self.matched:
            lines.append("matching requests:")
            lines += [f"  {entry.summary()}" for entry in self.matched[-5:]]
        if not self.ok and not self.nearest and not self.matched:
            lines.append("the journal holds no requests for this tenant.")
        if self.dropped:
            lines.append(f"note: the journal dropped {self.dropped} older request(s) (journal size), not counted here.")
        return "\n".join(lines)

    def to_json(self) -> dict[str, Any]:
        return {
            "ok": self.ok,
            "count": self.count,
            "expected": self.expectation.wanted(),
            "pattern": self.expectation.describe(),
            "matched": [e.seq for e in self.matched],
            "nearest": [{"entry": e.to_json(), "differences": d} for e, d in self.nearest],
            "dropped": self.dropped,
            "message": self.message,
        }


def verify(journal: JournalStore, expectation: Expectation) -> Verification:
    entries = journal.entries()
    matched: list[JournalEntry] = []
    misses: list[tuple[JournalEntry, list[str]]] = []
    for entry in entries:
        diffs = expectation.differences(entry)
        if diffs:
            misses.append((entry, diffs))
        else:
            matched.append(entry)
    ok = expectation.accepts(len(matched))
    nearest: list[tuple[JournalEntry, list[str]]] = []
    if (
        not ok
        and (expectation.count is None or len(matched) < expectation.count)
        and not _too_many(expectation, matched)
    ):
        nearest = sorted(misses, key=lambda pair: (len(pair[1]), -pair[0].seq))[:NEAREST]
    return Verification(ok, len(matched), expectation, matched, nearest, journal.dropped)


def _too_many(expectation: Expectation, matched: list[JournalEntry]) -> bool:
    if expectation.count is not None:
        return len(matched) > expectation.count
    return expectation.at_most is not None and len(matched) > expectation.at_most
