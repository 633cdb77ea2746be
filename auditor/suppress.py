"""``[[suppress]]``: findings kept and counted but not alerted on, until they expire."""

from __future__ import annotations

import dataclasses
import fnmatch
from collections.abc import Sequence
from datetime import date

from auditor.config import Suppression
from auditor.findings import Finding


def is_expired(entry: Suppression, today: date) -> bool:
    """Whether the entry's ``expires`` date (inclusive) has passed."""
    if not entry.expires:
        return False
    try:
        return date.fromisoformat(entry.expires) < today
    except ValueError:
        return True


def matches(entry: Suppression, finding: Finding) -> bool:
    """Whether an entry covers a finding (globs on check id and resource)."""
    return fnmatch.fnmatchcase(finding.check_id, entry.check) and fnmatch.fnmatchcase(
        finding.resource, entry.resource
    )


def apply_suppressions(
    findings: Sequence[Finding], entries: Sequence[Suppression], today: date
) -> tuple[list[Finding], list[Suppression]]:
    """Mark covered findings ``suppressed`` (with the reason); return them and expired entries."""
    active = [e for e in entries if not is_expired(e, today)]
    expired = [e for e in entries if is_expired(e, today)]
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
