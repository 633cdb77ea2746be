"""Parsing and formatting of the UTC instants used everywhere."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta

Clock = Callable[[], datetime]
ZERO = timedelta(0)
# Event times outside [EARLIEST_EVENT, LATEST_EVENT) are input problems: no real log is
# older than AWS or two centuries ahead, and the margin to datetime's limits (years 1 and
# 9999) keeps every window, margin and delivery-time sum an analysis makes in range.
EARLIEST_EVENT = datetime(2000, 1, 1, tzinfo=UTC)
LATEST_EVENT = datetime(2200, 1, 1, tzinfo=UTC)


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


class OutOfRangeError(ValueError):
    """A readable instant outside ``[EARLIEST_EVENT, LATEST_EVENT)``."""


def parse_event_time(text: str) -> datetime:
    """Parse an event's time; raise ValueError when unreadable or outside the supported range."""
    moment = parse_instant(text)
    if not EARLIEST_EVENT <= moment < LATEST_EVENT:
        raise OutOfRangeError(
            f"eventTime {text[:64]!r} is outside the supported range"
            f" {EARLIEST_EVENT.year}..{LATEST_EVENT.year - 1}"
        )
    return moment


def format_instant(moment: datetime) -> str:
    """Format as the canonical `YYYY-MM-DDTHH:MM:SSZ` (microseconds kept when present)."""
    moment = moment.astimezone(UTC)
    if moment.microsecond:
        return moment.strftime("%Y-%m-%dT%H:%M:%S.%fZ")
    return moment.strftime("%Y-%m-%dT%H:%M:%SZ")
