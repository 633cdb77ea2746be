"""``[[suppress]]``: findings kept and counted but not alerted on, until they expire."""

from __future__ import annotations

import dataclasses
import fnmatch
from collections.abc import Sequence
from datetime import UTC, date, datetime

from auditor.config import Suppression, parse_expiry
from auditor.findings import Finding


def _moment(now: date) -> datetime:
    """``now`` as an instant: a datetime as given (naive: UTC), a date as its start."""
    if isinstance(now, datetime):
        return now.replace(tzinfo=UTC) if now.tzinfo is None else now
    return datetime(now.year, now.month, now.day, tzinfo=UTC)


def is_expired(entry: Suppression, now: date) -> bool:
    """Whether the entry's ``expires`` has passed at ``now`` (a date or a datetime).

    A date expiry lasts to the end of that day (UTC); a date-time ends at that instant.
    An unreadable expiry (refused when the configuration loads) counts as expired.
    """
    if not entry.expires:
        return False
    try:
        return parse_expiry(entry.expires) <= _moment(now)
    except ValueError:
        return True


def matches(entry: Suppression, finding: Finding) -> bool:
    """Whether an entry covers a finding (globs on check id and resource)."""
    return fnmatch.fnmatchcase(finding.check_id, entry.check) and fnmatch.fnmatchcase(
        finding.resource, entry.resource
    )


def apply_suppressions(
    findings: Sequence[Finding], entries: Sequence[Suppression], now: date
) -> tuple[list[Finding], list[Suppression]]:
    """Mark covered findings ``suppressed`` (with the reason); return them and expired entries.

    ``now`` is the run's date, or better its instant (a date-time expiry is then exact).
    """
    active = [e for e in entries if not is_expired(e, now)]
    expired = [e for e in entries if is_expired(e, now)]
    result: list[Finding] = []
    for finding in findings:
        entry = next((e for e in active if matches(e, finding)), None)
        if entry is None:
            result.append(finding)
            continue
        details = {**finding.details, "suppressed_because": entry.reason}
        if entry.expires:
            details["suppressed_until"] = entry.expires
        result.append(dataclasses.replace(finding, status="suppressed", details=details))
    return result, expired
