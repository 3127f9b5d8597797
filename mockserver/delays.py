"""Delays that last at least what was asked for.

An event loop may fire a timer slightly early by another clock: uvloop rounds timers to the
millisecond and reads a time cached at the start of the loop iteration, so ``asyncio.sleep(0.2)``
can end after 199.9 ms of ``time.perf_counter``, the clock the journal's ``duration_ms`` uses.
A scripted delay ("answer after 200 ms") is a promise to the client under test, so the short
remainder is slept again.
"""

from __future__ import annotations

import asyncio
import time


async def sleep_at_least(seconds: float) -> None:
    deadline = time.perf_counter() + seconds
    remaining = seconds
    while remaining > 0:
        await asyncio.sleep(remaining)
        remaining = deadline - time.perf_counter()
