"""Parsing and formatting of the UTC instants used everywhere."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta

Clock = Callable[[], datetime]
ZERO = timedelta(0)


def system_clock() -> datetime:
    """The real current time in UTC (inject another clock in tests)."""
    return datetime.now(UTC)


def parse_instant(text: str) -> datetime:
    """Parse ISO 8601 (a date alone means its start) into an aware UTC datetime.

    Raises ValueError with the offending text when it cannot be read.
    """
    try:
        parsed = datetime.fromisoformat(text)  # 3.11: Z, offsets, a date alone, a space
    except ValueError:
        try:
            parsed = datetime.fromisoformat(text.strip().replace("z", "Z"))
        except ValueError:
            raise ValueError(f"not an ISO 8601 time: {text!r}") from None
    zone = parsed.tzinfo
    if zone is UTC:  # a "Z" suffix (CloudTrail's form) gives the UTC singleton
        return parsed
    if zone is None:
        return parsed.replace(tzinfo=UTC)
    return parsed if parsed.utcoffset() == ZERO else parsed.astimezone(UTC)


def format_instant(moment: datetime) -> str:
    """Format as the canonical `YYYY-MM-DDTHH:MM:SSZ` (microseconds kept when present)."""
    moment = moment.astimezone(UTC)
    if moment.microsecond:
        return moment.strftime("%Y-%m-%dT%H:%M:%S.%fZ")
    return moment.strftime("%Y-%m-%dT%H:%M:%SZ")
