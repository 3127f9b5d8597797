"""``make fuzz``: the long seeded fuzz, in-process, reporting what it tried.

    python -m tests.fuzz.run --cases 200000 --seed 1 --jobs 2

The cases are split over the surfaces (Moodle pages/REST/token.php and SENCE under each scenario
variant, the admin API) and run in chunks of ``--chunk`` hypothesis examples, each chunk with its
own seed derived from ``--seed`` (hypothesis' bookkeeping stays small; the app's state carries on
across chunks, as a long-lived server's would). After each surface the same invariants as the short
suite in ``make test`` are checked. Exit status 1 on any failure; every failure is printed with the
request that caused it.
"""

from __future__ import annotations

import argparse
import sys
import time
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass

from tests.fuzz import engine
from tests.fuzz.admin import FUZZ_TENANT, admin_cases
from tests.fuzz.record import Recorder
from tests.fuzz.targets import SURFACES, VARIANTS, AdminSession, Session, check_after_fuzz
from tests.fuzz.world import harness, moodle_flow, read_backs_work, sence_flow, stable_view

SHARES = {"moodle": 0.55, "sence": 0.25, "admin": 0.20}


@dataclass(frozen=True)
class Job:
    surface: str
    variant: str
    cases: int
    seed: int
    chunk: int


def _chunks(job: Job) -> list[tuple[int, int]]:
    sizes = [job.chunk] * (job.cases // job.chunk) + ([job.cases % job.chunk] if job.cases % job.chunk else [])
    return [(size, job.seed * 1_000_003 + i) for i, size in enumerate(sizes)]


def _progress(job: Job, recorder: Recorder) -> None:
    """A line per chunk, so a run cut short still tells what it tried."""
    done = sum(recorder.cases.values())
    fives = sum(n for c in recorder.statuses.values() for s, n in c.items() if s >= 500)
    print(
        f"  {job.surface}/{job.variant}: {done}/{job.cases} cases, 5xx: {fives}, failures: {len(recorder.failures)}",
        flush=True,
    )


def _protocol(job: Job, recorder: Recorder) -> None:
    session = Session(job.variant)
    surface = SURFACES[job.surface]
    cases = surface.cases(session)
    try:
        for size, seed in _chunks(job):
            engine.run(session.driver, cases, recorder, size, seed, observe=session.writes.observe)
            _progress(job, recorder)
        check_after_fuzz(session, surface)
    finally:
        session.close()


def _admin(job: Job, recorder: Recorder) -> None:
    fuzz = AdminSession()
    driver = fuzz.driver
    try:
        before = stable_view(driver.app.tenants.default)
        for size, seed in _chunks(job):
            engine.run(driver, admin_cases(), recorder, size, seed, before=fuzz.ensure_tenant)
            _progress(job, recorder)
        fuzz.ensure_tenant()
        assert stable_view(driver.app.tenants.default) == before, "the default tenant changed"
        read_backs_work(driver, FUZZ_TENANT)
        driver.http("DELETE", "/__mock/faults")
        moodle_flow(harness(driver))
        sence_flow(harness(driver))
    finally:
        fuzz.close()


def run_job(job: Job) -> tuple[Job, Recorder, float, str | None]:
    recorder = Recorder(strict=False)
    started = time.monotonic()
    runner: Callable[[Job, Recorder], None] = _admin if job.surface == "admin" else _protocol
    broken: str | None = None
    try:
        runner(job, recorder)
    except AssertionError as exc:
        broken = f"invariant after {job.surface}/{job.variant}: {exc!r}"
    return job, recorder, time.monotonic() - started, broken


def plan(total: int, seed: int, chunk: int) -> list[Job]:
    jobs = []
    for surface, share in SHARES.items():
        variants = ["demo"] if surface == "admin" else sorted(VARIANTS)
        for i, variant in enumerate(variants):
            cases = round(total * share / len(variants))
            jobs.append(Job(surface, variant, cases, seed * 100 + len(jobs) * 10 + i, chunk))
    jobs[0] = Job(
        jobs[0].surface, jobs[0].variant, jobs[0].cases + total - sum(j.cases for j in jobs), jobs[0].seed, chunk
    )
    return jobs


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--cases", type=int, default=200_000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--jobs", type=int, default=2, help="worker processes")
    parser.add_argument("--chunk", type=int, default=2_000, help="cases per chunk (shared by the targets)")
    args = parser.parse_args(argv)
    jobs = plan(args.cases, args.seed, args.chunk)
    started = time.monotonic()
    total = Recorder(strict=False)
    broken: list[str] = []
    with ProcessPoolExecutor(max_workers=args.jobs) as pool:
        for job, recorder, seconds, problem in pool.map(run_job, jobs):
            print(f"{job.surface}/{job.variant}: {sum(recorder.cases.values())} cases in {seconds:.0f} s", flush=True)
            total.merge(recorder)
            if problem:
                broken.append(problem)
    print()
    print(total.report())
    print()
    print("Most frequent answers per route (status and Moodle error code):")
    print(total.report_details())
    print()
    for failure in total.failures[:50]:
        print("FAILURE:", failure)
    for problem in broken:
        print("BROKEN:", problem)
    cases = sum(total.cases.values())
    print(
        f"\nfuzz: {cases} cases, seed {args.seed}, {time.monotonic() - started:.0f} s, "
        f"{len(total.failures)} failures, {len(broken)} broken invariants"
    )
    return 1 if total.failures or broken or cases < args.cases else 0


if __name__ == "__main__":
    sys.exit(main())
