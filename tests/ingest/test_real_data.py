"""Every real IAM/STS/sign-in record is stored exactly once; the rest is skipped or reported.

A record is the same event as another when both eventID and eventTime agree (a repeat
delivery); the datasets' test fixtures reuse placeholder ids ("1111", "EID12345") for
different events at different times, and those are all kept.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

from auditor.config import IngestSettings
from auditor.ingest.pipeline import ingest_files
from auditor.sources.layout import Window
from auditor.sources.local import LocalSource
from auditor.store.event_store import EventStore
from tests.realdata import read_lines, real_record_files

KEPT_SOURCES = {"iam.amazonaws.com", "sts.amazonaws.com", "signin.amazonaws.com"}
CONTROL = {"StopLogging", "DeleteTrail", "UpdateTrail", "PutEventSelectors", "CreateTrail"}
REQUIRED = ("eventID", "eventTime", "eventSource", "eventName")


def _expected(files: list[Path]) -> tuple[set[tuple[str, int]], int, int, int]:
    """Independently: the (eventID, µs) to keep, the problem count, the skipped count and
    how many of the problems are records repeating a kept one's (eventID, µs) with other
    content (the first is kept; each different one is reported)."""
    first: dict[tuple[str, int], object] = {}
    problems = skipped = differing = 0
    for path in files:
        for line in read_lines(path):
            record = json.loads(line)
            source, name = record.get("eventSource"), record.get("eventName")
            wanted = source in KEPT_SOURCES or (
                source == "cloudtrail.amazonaws.com" and name in CONTROL
            )
            if isinstance(source, str) and isinstance(name, str) and not wanted:
                skipped += 1
                continue
            if not all(isinstance(record.get(k), str) and record.get(k) for k in REQUIRED):
                problems += 1
                continue
            try:
                instant = datetime.fromisoformat(record["eventTime"].replace("Z", "+00:00"))
            except ValueError:
                problems += 1
                continue
            instant = instant if instant.tzinfo else instant.replace(tzinfo=UTC)
            key = (record["eventID"], round(instant.timestamp() * 1_000_000))
            if first.setdefault(key, record) != record:
                differing += 1
    return set(first), problems + differing, skipped, differing


def test_real_records_are_stored_exactly_once(store: EventStore) -> None:
    files = real_record_files()
    assert files, "no real records found"
    expected_ids, expected_problems, expected_skipped, differing = _expected(files)
    summary = ingest_files(
        LocalSource(tuple(str(f) for f in files)).list_files(Window()),
        store,
        IngestSettings(workers=1),
    )
    stored = list(store.connection.execute("SELECT event_id, event_time_us FROM events"))
    assert len(stored) == len(set(stored))
    assert set(stored) == expected_ids
    assert len(summary.problems) == expected_problems
    unkept = expected_problems - differing
    assert summary.records_seen == summary.records_kept + expected_skipped + unkept
    assert summary.new_events == len(expected_ids)
    assert all(not isinstance(e, str) for e in store.iter_events())
    assert sum(1 for _ in store.iter_events()) == len(expected_ids)
