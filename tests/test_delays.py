"""A scripted delay lasts at least what was asked, even when the loop's timer fires early."""

from __future__ import annotations

import asyncio

import pytest

from mockserver import delays


def test_an_early_timer_is_topped_up(monkeypatch: pytest.MonkeyPatch) -> None:
    now = [100.0]
    asked: list[float] = []

    async def early_sleep(seconds: float) -> None:
        asked.append(round(seconds, 6))
        now[0] += seconds - 0.00006 if len(asked) == 1 else seconds  # the first wake 60 µs early

    monkeypatch.setattr("mockserver.delays.time.perf_counter", lambda: now[0])
    monkeypatch.setattr("mockserver.delays.asyncio.sleep", early_sleep)
    asyncio.run(delays.sleep_at_least(0.2))
    assert asked == [0.2, 0.00006]
    assert now[0] - 100.0 >= 0.2


def test_no_delay_sleeps_nothing(monkeypatch: pytest.MonkeyPatch) -> None:
    asked: list[float] = []

    async def record(seconds: float) -> None:
        asked.append(seconds)

    monkeypatch.setattr("mockserver.delays.asyncio.sleep", record)
    asyncio.run(delays.sleep_at_least(0))
    assert asked == []
