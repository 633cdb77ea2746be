"""``run`` reads a file that arrives late in an old day folder (a sync outage, a restore)."""

from __future__ import annotations

import dataclasses
from pathlib import Path

from auditor.config import IngestSettings, OrganizationSettings, Settings, SourceSettings
from auditor.store.event_store import EventStore
from auditor.workflow.nightly import run_nightly
from tests.conftest import fixed_clock
from tests.ingest.records import record, s3_path, write_trail_file

STOP = {"eventSource": "cloudtrail.amazonaws.com", "eventName": "StopLogging"}


def _settings(logs: Path) -> Settings:
    return Settings(
        organization=OrganizationSettings(accounts=("111122223333",)),
        sources=(SourceSettings(kind="local", paths=(str(logs),)),),
        ingest=IngestSettings(workers=1),
    )


def _stops(store: EventStore, logs: Path, out: Path) -> list[tuple[str, str]]:
    result = run_nightly(store, _settings(logs), fixed_clock, out, ("json",))
    return sorted(
        (f.event_ids[0], f.status)
        for f in result.outcome.data.findings
        if f.check_id == "cloudtrail_trail_logging_stopped"
    )


def test_a_file_delivered_late_into_an_old_day_folder_is_read_by_the_next_run(
    store: EventStore, tmp_path: Path
) -> None:
    logs = tmp_path / "logs"
    # tonight's delivery, in the day folder of the (fixed) clock: 2026-11-28
    write_trail_file(
        s3_path(logs, stamp="20261128T0905Z", unique="tonight000000000"),
        [record("s-tonight", time="2026-11-28T09:00:00Z", **STOP)],
    )
    assert _stops(store, logs, tmp_path / "r1") == [("s-tonight", "new")]
    # weeks later a sync outage ends: a file appears in the 2026-11-10 folder
    write_trail_file(
        s3_path(logs, stamp="20261110T0905Z", unique="restored00000000"),
        [record("s-restored", time="2026-11-10T09:00:00Z", **STOP)],
    )
    assert _stops(store, logs, tmp_path / "r2") == [("s-restored", "new")]
    assert _stops(store, logs, tmp_path / "r3") == []
    rows = store.connection.execute("SELECT COUNT(*) FROM files").fetchone()[0]
    assert rows == 2  # each file read once; unchanged files are skipped by size and version


def test_whole_listings_still_skip_files_already_read(store: EventStore, tmp_path: Path) -> None:
    logs = tmp_path / "logs"
    for day in range(1, 6):
        write_trail_file(
            s3_path(logs, stamp=f"202611{day:02d}T0905Z", unique=f"day{day}".ljust(16, "0")),
            [record(f"e{day}", time=f"2026-11-{day:02d}T09:00:00Z")],
        )
    settings = _settings(logs)
    first = run_nightly(store, settings, fixed_clock, tmp_path / "r1", ("json",))
    assert first.ingest is not None and first.ingest.files_read == 5
    again = run_nightly(
        store, dataclasses.replace(settings), fixed_clock, tmp_path / "r2", ("json",)
    )
    assert again.ingest is not None and again.ingest.files_read == 0
