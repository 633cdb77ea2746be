"""Ingest end to end: idempotence, pruning by delivery time, and surviving a SIGKILL."""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

from auditor.config import IngestSettings
from auditor.ingest.pipeline import IngestSummary, ingest_files
from auditor.sources.layout import Window
from auditor.sources.local import LocalSource
from auditor.store.event_store import EventQuery, EventStore
from auditor.testing.corpus import CorpusSpec, write_corpus
from tests.ingest.records import record, s3_path, write_trail_file

REPO = Path(__file__).resolve().parents[2]


def _ingest(
    store: EventStore, root: Path, window: Window | None = None, workers: int = 1
) -> IngestSummary:
    return ingest_files(
        LocalSource((str(root),)).list_files(window or Window()),
        store,
        IngestSettings(workers=workers),
    )


def test_second_ingest_reads_nothing_and_duplicates_are_ignored(
    store: EventStore, tmp_path: Path
) -> None:
    write_trail_file(s3_path(tmp_path, unique="a" * 16), [record("1"), record("2")])
    write_trail_file(s3_path(tmp_path, unique="b" * 16), [record("2"), record("3")])
    first = _ingest(store, tmp_path)
    assert (first.files_read, first.new_events, first.duplicates) == (2, 3, 1)
    again = _ingest(store, tmp_path)
    assert again.files_read == 0
    assert again.files_skipped["already ingested, unchanged"] == 2
    assert store.count_events() == 3


def test_a_changed_file_is_read_again_under_its_id_with_its_events(
    store: EventStore, tmp_path: Path
) -> None:
    changed = s3_path(tmp_path, unique="a" * 16)
    write_trail_file(changed, [record("1")])
    write_trail_file(s3_path(tmp_path, unique="b" * 16), [record("2")])
    _ingest(store, tmp_path)
    ids_before = dict(store.connection.execute("SELECT location, id FROM files"))
    write_trail_file(changed, [record("1"), record("4")])  # the file grew
    again = _ingest(store, tmp_path)
    assert (again.files_read, again.new_events, again.duplicates) == (1, 1, 1)
    assert dict(store.connection.execute("SELECT location, id FROM files")) == ids_before
    by_event = dict(store.connection.execute("SELECT event_id, file_id FROM events"))
    assert by_event == {"1": ids_before[str(changed)], "4": ids_before[str(changed)],
                        "2": ids_before[str(s3_path(tmp_path, unique="b" * 16))]}  # fmt: skip


def test_arrival_order_is_monotonic_across_ingests(store: EventStore, tmp_path: Path) -> None:
    write_trail_file(
        s3_path(tmp_path, unique="a" * 16), [record("late", time="2026-11-01T00:00:00Z")]
    )
    _ingest(store, tmp_path)
    mark = store.max_arrival()
    write_trail_file(
        s3_path(tmp_path, unique="b" * 16), [record("early", time="2020-01-01T00:00:00Z")]
    )
    _ingest(store, tmp_path)
    newer = list(store.iter_events(EventQuery(after_arrival=mark)))
    assert [e.event_id for e in newer] == ["early"]


def test_window_prunes_by_delivery_time_without_opening(store: EventStore, tmp_path: Path) -> None:
    old = s3_path(tmp_path, stamp="20261001T1005Z", unique="o" * 16)
    old.parent.mkdir(parents=True, exist_ok=True)
    old.write_bytes(b"not even gzip")
    write_trail_file(s3_path(tmp_path, stamp="20261102T1005Z", unique="n" * 16), [record("new")])
    window = Window(
        since=datetime(2026, 11, 2, tzinfo=UTC), until=datetime(2026, 11, 3, tzinfo=UTC)
    )
    summary = _ingest(store, tmp_path, window)
    assert summary.problems == []
    assert summary.files_skipped["delivery day outside the window"] == 1
    assert [e.event_id for e in store.iter_events()] == ["new"]


def test_digest_files_are_skipped(store: EventStore, tmp_path: Path) -> None:
    digest = tmp_path / "logs/AWSLogs/111122223333/CloudTrail-Digest/us-east-1/2026/11/02"
    digest.mkdir(parents=True)
    name = "111122223333_CloudTrail-Digest_us-east-1_t_us-east-1_20261102T100500Z.json.gz"
    (digest / name).write_bytes(b"x")
    summary = _ingest(store, tmp_path / "logs")
    assert summary.files_skipped == {"CloudTrail digest file": 1}


def test_pool_and_single_process_store_the_same_events(tmp_path: Path) -> None:
    stats = write_corpus(tmp_path / "corpus", CorpusSpec(total_mb=3, days=1, accounts=2))
    results = []
    for workers in (1, 2):
        store = EventStore.open(tmp_path / f"w{workers}.db")
        summary = _ingest(store, tmp_path / "corpus", workers=workers)
        results.append({e.event_id for e in store.iter_events()})
        assert summary.records_seen == stats.records
        store.close()
    assert results[0] == results[1] == stats.iam_event_ids


def test_pool_workers_store_problems_and_files_with_their_events(tmp_path: Path) -> None:
    for index in range(12):
        events = [record(f"e{index}-{n}") for n in range(3)]
        write_trail_file(s3_path(tmp_path, unique=f"{index:016d}"), events)
    broken = s3_path(tmp_path, unique="x" * 16)
    broken.write_bytes(b"\x1f\x8b not really gzip")
    write_trail_file(
        s3_path(tmp_path, unique="y" * 16), [record("good"), record("", name="CreateRole")]
    )
    store = EventStore.open(tmp_path / "pool.db")
    summary = _ingest(store, tmp_path, workers=2)
    assert (summary.files_read, summary.new_events) == (14, 37)
    reasons = {(Path(p.location).name[-21:], p.record_index) for p in summary.problems}
    assert reasons == {("xxxxxxxxxxxxx.json.gz", None), ("yyyyyyyyyyyyy.json.gz", 1)}
    stored = {(p.location, p.record_index, p.reason) for p in store.problems_since()}
    assert stored == {(p.location, p.record_index, p.reason) for p in summary.problems}
    files = store.connection.execute("SELECT COUNT(*), SUM(records_kept) FROM files").fetchone()
    assert files == (13, 37)  # the unreadable file gets no row: the next ingest retries it
    assert store.connection.execute("PRAGMA wal_checkpoint(PASSIVE)").fetchone()[0] == 0
    store.close()


def test_sigkill_mid_ingest_leaves_a_consistent_store_that_resumes(tmp_path: Path) -> None:
    corpus = tmp_path / "corpus"
    stats = write_corpus(corpus, CorpusSpec(total_mb=20, days=2))
    db = tmp_path / "killed.db"
    config = tmp_path / "config.toml"
    config.write_text("[ingest]\ncommit_every_files = 2\n", encoding="utf-8")
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    command = [sys.executable, "-m", "auditor", "--config", str(config), "--db", str(db)]
    command += ["-q", "ingest", str(corpus)]
    process = subprocess.Popen(command, env=env, stdout=subprocess.DEVNULL, start_new_session=True)
    deadline = time.monotonic() + 60
    stored = 0
    while time.monotonic() < deadline and process.poll() is None:
        time.sleep(0.05)
        try:
            with sqlite3.connect(db, timeout=0.1) as probe:
                stored = probe.execute("SELECT COUNT(*) FROM events").fetchone()[0]
        except sqlite3.Error:
            continue
        if stored:
            break
    assert process.poll() is None, "ingest finished before it could be killed; grow the corpus"
    os.killpg(process.pid, signal.SIGKILL)
    process.wait()
    with sqlite3.connect(db) as probe:
        assert probe.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        partial = probe.execute("SELECT COUNT(*) FROM events").fetchone()[0]
        orphans = probe.execute(
            "SELECT COUNT(*) FROM events e LEFT JOIN files f ON e.file_id = f.id WHERE f.id IS NULL"
        ).fetchone()[0]
    assert 0 < partial < len(stats.iam_event_ids or ())
    assert orphans == 0
    subprocess.run(command, env=env, check=True, stdout=subprocess.DEVNULL)
    store = EventStore.open(db)
    ids = [e.event_id for e in store.iter_events()]
    store.close()
    assert len(ids) == len(set(ids))
    assert set(ids) == stats.iam_event_ids
