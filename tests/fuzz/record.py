"""What every fuzz case must satisfy, and the tally the long run reports (cases and statuses per route)."""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from dataclasses import dataclass, field

from tests.fuzz.asgi import Case, Outcome

_ERRORCODE = re.compile(rb'"errorcode":"([a-z_0-9]+)"|<ERRORCODE>([a-z_0-9]+)</ERRORCODE>|"error":"([^"]{1,40})"')


def detail(outcome: Outcome) -> str:
    """``200`` or ``200 invalidtoken``: the status, with Moodle's error code when the body has one."""
    found = _ERRORCODE.search(outcome.body[:4096])
    code = next((g for g in found.groups() if g), b"") if found else b""
    return f"{outcome.status} {code.decode('ascii', 'replace')}".strip()


LEAKS = (b"Traceback (most recent call last)", b'File "/', b"site-packages/")
"""Text that only a leaked Python traceback puts in a body."""


def problems(case: Case, outcome: Outcome) -> list[str]:
    """Why this answer is wrong, if it is: an escaped exception, a hang, a 5xx, a leaked traceback,
    an unfinished response or a Content-Length that does not match the body."""
    if outcome.error is not None:
        return [f"exception or hang: {outcome.error}"]
    found: list[str] = []
    if outcome.status is None or not outcome.complete:
        found.append("no complete response")
    elif outcome.status >= 500:
        found.append(f"status {outcome.status}: {outcome.body[:500]!r}")
    if any(leak in outcome.body for leak in LEAKS):
        found.append(f"traceback text in the body: {outcome.body[:500]!r}")
    length = outcome.header(b"content-length")
    if length is not None and case.method != "HEAD" and length != str(len(outcome.body)).encode():
        found.append(f"content-length {length!r} but {len(outcome.body)} bytes")
    return found


class FuzzFailure(AssertionError):
    pass


@dataclass
class Recorder:
    """Counts every case; ``strict`` raises at the first bad answer (so hypothesis shrinks it), otherwise
    failures are collected for the report."""

    strict: bool = True
    cases: Counter[str] = field(default_factory=Counter)
    statuses: defaultdict[str, Counter[int]] = field(default_factory=lambda: defaultdict(Counter))
    details: defaultdict[str, Counter[str]] = field(default_factory=lambda: defaultdict(Counter))
    failures: list[str] = field(default_factory=list)

    def check(self, case: Case, outcome: Outcome) -> Outcome:
        self.cases[case.route] += 1
        self.statuses[case.route][outcome.status or 0] += 1
        self.details[case.route][detail(outcome)] += 1
        found = problems(case, outcome)
        if found:
            message = f"{case.describe()}\n  -> " + "\n  -> ".join(found)
            if self.strict:
                raise FuzzFailure(message)
            self.failures.append(message)
        return outcome

    def merge(self, other: Recorder) -> None:
        self.cases.update(other.cases)
        for route, counter in other.statuses.items():
            self.statuses[route].update(counter)
        for route, counter in other.details.items():
            self.details[route].update(counter)
        self.failures += other.failures

    def report_details(self, top: int = 6) -> str:
        """The most frequent answers per route (status and error code): how deep the cases got."""
        lines = []
        for route in sorted(self.details):
            common = ", ".join(f"{d or '-'}: {n}" for d, n in self.details[route].most_common(top))
            lines.append(f"{route}: {common}")
        return "\n".join(lines)

    def report(self) -> str:
        width = max((len(r) for r in self.cases), default=5)
        lines = [f"{'route':<{width}}  {'cases':>8}  statuses"]
        for route in sorted(self.cases):
            statuses = " ".join(f"{s}:{n}" for s, n in sorted(self.statuses[route].items()))
            lines.append(f"{route:<{width}}  {self.cases[route]:>8}  {statuses}")
        total = sum(self.cases.values())
        fives = sum(n for c in self.statuses.values() for s, n in c.items() if s >= 500)
        lines.append(f"{'total':<{width}}  {total:>8}  5xx: {fives}, failures: {len(self.failures)}")
        return "\n".join(lines)
