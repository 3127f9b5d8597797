"""PHP's ``strtotime`` for the ISO 8601 dates Drupal 8 entities carry (``2024-01-31T10:00:00+00:00``)."""

from __future__ import annotations

from datetime import datetime


def strtotime(text: str) -> int | bool:
    """Unix time of an ISO 8601 date-time; ``False`` (PHP's failure value) for anything else."""
    try:
        when = datetime.fromisoformat(text)
    except ValueError:
        return False
    if when.tzinfo is None:
        return False
    try:
        return int(when.timestamp())
    except (OverflowError, OSError, ValueError):
        return False
