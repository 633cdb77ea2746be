"""Parsing and formatting of the UTC instants used everywhere."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, date, datetime

Clock = Callable[[], datetime]


def system_clock() -> datetime:
    """The real current time in UTC (inject another clock in tests)."""
    return datetime.now(UTC)


def parse_instant(text: str) -> datetime:
    """Parse ISO 8601 (a date alone means its start) into an aware UTC datetime.

    Raises ValueError with the offending text when it cannot be read.
    """
    value = text.strip()
    if not value:
        raise ValueError("empty time")
    if value.endswith(("Z", "z")):
        value = value[:-1] + "+00:00"
    try:
        parsed = datetime.fromisoformat(value)
    except ValueError:
        try:
            day = date.fromisoformat(value)
        except ValueError:
            raise ValueError(f"not an ISO 8601 time: {text!r}") from None
        parsed = datetime(day.year, day.month, day.day)
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=UTC)
    return parsed.astimezone(UTC)


def format_instant(moment: datetime) -> str:
    """Format as the canonical `YYYY-MM-DDTHH:MM:SSZ` (microseconds kept when present)."""
    moment = moment.astimezone(UTC)
    if moment.microsecond:
        return moment.strftime("%Y-%m-%dT%H:%M:%S.%fZ")
    return moment.strftime("%Y-%m-%dT%H:%M:%SZ")
