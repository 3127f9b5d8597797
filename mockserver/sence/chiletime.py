"""Chile time for FechaHora and execution dates, read from the tenant clock."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta, tzinfo
from functools import lru_cache
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

FECHAHORA_FORMAT = "%Y-%m-%d %H:%M:%S"


class _ChileRule(tzinfo):
    """Fallback when the system has no tz database: Chile's rules since 2019 (UTC-4, DST UTC-3
    from the first Sunday of September 04:00 UTC to the first Sunday of April 03:00 UTC)."""

    @staticmethod
    def _first_sunday(year: int, month: int) -> datetime:
        day = datetime(year, month, 1, tzinfo=UTC)
        return day + timedelta(days=(6 - day.weekday()) % 7)

    def _is_summer(self, utc: datetime) -> bool:
        ends = self._first_sunday(utc.year, 4) + timedelta(hours=3)
        starts = self._first_sunday(utc.year, 9) + timedelta(hours=4)
        return utc < ends or utc >= starts

    def utcoffset(self, dt: datetime | None) -> timedelta:
        if dt is None:
            return timedelta(hours=-4)
        # Approximation for naive local times; exact for fromutc() below.
        return timedelta(hours=-3 if self._is_summer(dt.replace(tzinfo=UTC) + timedelta(hours=4)) else -4)

    def dst(self, dt: datetime | None) -> timedelta:
        return self.utcoffset(dt) - timedelta(hours=-4)

    def tzname(self, dt: datetime | None) -> str:
        return "-03" if self.utcoffset(dt) == timedelta(hours=-3) else "-04"

    def fromutc(self, dt: datetime) -> datetime:
        utc = dt.replace(tzinfo=UTC)
        offset = timedelta(hours=-3 if self._is_summer(utc) else -4)
        return (dt + offset).replace(tzinfo=self)


@lru_cache(maxsize=32)
def zone(name: str) -> tzinfo:
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        if name == "America/Santiago":
            return _ChileRule()
        return UTC


def local(timestamp: float, zone_name: str = "America/Santiago") -> datetime:
    return datetime.fromtimestamp(timestamp, tz=UTC).astimezone(zone(zone_name))


def fechahora(timestamp: float, zone_name: str = "America/Santiago") -> str:
    """``aaaa-mm-dd hh:mm:ss`` (24-hour clock) in ``zone_name``."""
    return local(timestamp, zone_name).strftime(FECHAHORA_FORMAT)


def today(timestamp: float, zone_name: str = "America/Santiago") -> date:
    return local(timestamp, zone_name).date()
