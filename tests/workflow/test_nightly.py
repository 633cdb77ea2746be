"""The nightly run: the mark, late deliveries, recurring findings, failures, the lock."""

from __future__ import annotations

import dataclasses
import errno
import os
import subprocess
import sys
from pathlib import Path

import orjson
import pytest

from auditor.config import OrganizationSettings, Settings, StoreSettings
from auditor.errors import PublishError, RunLockedError
from auditor.iam.history import snapshots_of
from auditor.store.event_store import EventStore
from auditor.store.runs import RunStore
from auditor.workflow import nightly, publication
from auditor.workflow.nightly import run_nightly
from tests.conftest import fixed_clock
from tests.ingest.records import record, s3_path, write_trail_file

SETTINGS = Settings(organization=OrganizationSettings(accounts=("111122223333",)))
STOP = {"eventSource": "cloudtrail.amazonaws.com", "eventName": "StopLogging"}


def _deliver(root: Path, unique: str, records: list[dict[str, object]]) -> None:
    write_trail_file(s3_path(root, unique=unique.ljust(16, "0")), records)


def _ingest_and_run(
    store: EventStore, logs: Path, out: Path, settings: Settings = SETTINGS
) -> nightly.RunResult:
    from auditor.config import IngestSettings
    from auditor.ingest.pipeline import ingest_files
    from auditor.sources.layout import Window
    from auditor.sources.local import LocalSource

    ingest_files(LocalSource((str(logs),)).list_files(Window()), store, IngestSettings(workers=1))
    return run_nightly(store, settings, fixed_clock, out, ("json",), ingest=False)


def _finding_ids(result: nightly.RunResult) -> list[tuple[str, tuple[str, ...], str]]:
    return sorted((f.check_id, f.event_ids, f.status) for f in result.outcome.data.findings)


def test_each_event_is_reported_once_even_when_delivered_late(
    store: EventStore, tmp_path: Path
) -> None:
    logs = tmp_path / "logs"
    _deliver(logs, "a", [record("s1", time="2026-11-10T10:00:00Z", **STOP)])
    first = _ingest_and_run(store, logs, tmp_path / "r1")
    assert _finding_ids(first) == [("cloudtrail_trail_logging_stopped", ("s1",), "new")]
    # an event from *before* the first run's events arrives hours late
    _deliver(logs, "b", [record("s0", time="2026-11-09T08:00:00Z", **STOP)])
    second = _ingest_and_run(store, logs, tmp_path / "r2")
    assert _finding_ids(second) == [("cloudtrail_trail_logging_stopped", ("s0",), "new")]
    third = _ingest_and_run(store, logs, tmp_path / "r3")
    assert _finding_ids(third) == []
    report = orjson.loads((tmp_path / "r3" / "report.json").read_bytes())
    assert report["kind"] == "nightly" and report["findings"] == []


def test_a_failed_run_does_not_move_the_mark_and_its_findings_come_next_time(
    store: EventStore, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    logs = tmp_path / "logs"
    _deliver(logs, "a", [record("s1", **STOP)])

    def broken(*args: object, **kwargs: object) -> None:
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(publication, "stage_files", broken)
    with pytest.raises(PublishError, match="No space left on device"):
        _ingest_and_run(store, logs, tmp_path / "r1")
    runs = RunStore(store)
    assert runs.mark().arrival == 0
    assert [r[0] for r in store.connection.execute("SELECT status FROM runs")] == ["failed"]
    monkeypatch.undo()
    again = _ingest_and_run(store, logs, tmp_path / "r2")
    assert _finding_ids(again) == [("cloudtrail_trail_logging_stopped", ("s1",), "new")]
    assert runs.mark().arrival == store.max_arrival()


def test_findings_recorded_by_an_earlier_run_are_marked_recurring(
    store: EventStore, tmp_path: Path
) -> None:
    logs = tmp_path / "logs"
    _deliver(logs, "a", [record("s1", **STOP)])
    first = _ingest_and_run(store, logs, tmp_path / "r1")
    runs = RunStore(store)
    # as if the first run had been killed after recording findings but the mark were older
    store.connection.execute("UPDATE runs SET to_arrival = 0")
    again = run_nightly(store, SETTINGS, fixed_clock, tmp_path / "r2", ("json",), ingest=False)
    assert _finding_ids(first)[0][2] == "new"
    assert _finding_ids(again) == [("cloudtrail_trail_logging_stopped", ("s1",), "recurring")]
    assert runs.mark().run_id == again.run_id


def test_a_run_thins_old_snapshots_when_retention_is_set_and_records_how_many(
    store: EventStore, tmp_path: Path
) -> None:
    logs = tmp_path / "logs"
    keep_14 = dataclasses.replace(SETTINGS, store=StoreSettings(daily_snapshots_days=14))
    # Thursday and Friday of one ISO week, then a month later
    times = ["2026-10-01T10:00:00Z", "2026-10-02T10:00:00Z", "2026-11-10T10:00:00Z"]
    for n, time in enumerate(times):
        _deliver(logs, f"d{n}", [record(f"s{n}", time=time, **STOP)])
        _ingest_and_run(store, logs, tmp_path / f"r{n}", keep_14)
    kept = [row.at.isoformat() for row in snapshots_of(store).snapshots()]
    assert kept == ["2026-10-02T10:00:00+00:00", "2026-11-10T10:00:00+00:00"]
    pruned = [run.counts["snapshots_pruned"] for run in RunStore(store).succeeded_runs()]
    assert pruned == [0, 0, 1]
    # without the setting, nothing is pruned
    _deliver(logs, "d3", [record("s3", time="2026-11-11T10:00:00Z", **STOP)])
    _ingest_and_run(store, logs, tmp_path / "r3")
    assert len(snapshots_of(store).snapshots()) == 3


def test_the_lock_stops_a_second_run_and_a_dead_holder_is_taken_over(store: EventStore) -> None:
    runs = RunStore(store)
    runs.acquire_lock()
    with pytest.raises(RunLockedError, match="another run holds the store's lock"):
        runs.acquire_lock()
    runs.release_lock()
    dead = subprocess.run(
        [sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True, text=True
    )
    pid = int(dead.stdout)
    import socket

    with store.transaction():
        store.connection.execute(
            "INSERT INTO run_lock (id, host, pid, acquired_at) VALUES (1, ?, ?, 'x')",
            (socket.gethostname(), pid),
        )
    runs.acquire_lock()
    assert store.connection.execute("SELECT pid FROM run_lock").fetchone()[0] == os.getpid()
    runs.release_lock()


def test_run_exit_status_follows_fail_on(tmp_path: Path) -> None:
    logs = tmp_path / "logs"
    _deliver(logs, "a", [record("s1", **STOP)])
    config = tmp_path / "config.toml"
    config.write_text(
        f'[[sources]]\nkind = "local"\npaths = ["{logs}"]\n[report]\nformats = ["json"]\n',
        encoding="utf-8",
    )
    env = {**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parents[2])}
    command = [sys.executable, "-m", "auditor", "--config", str(config), "--db", "t.db", "run"]
    result = subprocess.run(
        [*command, "--out", "out"], cwd=tmp_path, env=env, capture_output=True, text=True
    )
    assert result.returncode == 1, result.stderr
    assert "finding(s) at or above high" in result.stderr
    again = subprocess.run(
        [*command, "--out", "out2"], cwd=tmp_path, env=env, capture_output=True, text=True
    )
    assert again.returncode == 0, again.stderr


def test_an_expired_suppression_is_reported_on_the_command_line(tmp_path: Path) -> None:
    logs = tmp_path / "logs"
    _deliver(logs, "a", [record("s1", **STOP)])
    config = tmp_path / "config.toml"
    config.write_text(
        f'[[sources]]\nkind = "local"\npaths = ["{logs}"]\n[report]\nformats = ["json"]\n'
        '[[suppress]]\ncheck = "cloudtrail_*"\nreason = "change window"\nexpires = "2020-01-01"\n',
        encoding="utf-8",
    )
    env = {**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parents[2])}
    command = [sys.executable, "-m", "auditor", "--config", str(config), "--db", "t.db", "run"]
    result = subprocess.run(
        [*command, "--out", "out"], cwd=tmp_path, env=env, capture_output=True, text=True
    )
    assert "suppression of cloudtrail_* on * expired on 2020-01-01" in result.stderr
    report = orjson.loads((tmp_path / "out" / "report.json").read_bytes())
    assert report["stats"]["expired_suppressions"][0]["reason"] == "change window"
    assert all(f["status"] == "new" for f in report["findings"])
