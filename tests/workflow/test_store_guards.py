"""The store refuses a newer schema; store and reports are owner-only; the lock expires."""

from __future__ import annotations

import os
import socket
import sqlite3
import stat
import subprocess
import sys
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from auditor.errors import ExitStatus, RunLockedError, StoreError
from auditor.store.event_store import EventStore
from auditor.store.runs import RunStore
from auditor.timeutil import format_instant
from reports import write_reports
from tests.conftest import fixed_clock
from tests.reports.fixtures import rich_report

REPO = Path(__file__).resolve().parents[2]


@pytest.fixture
def loose_umask() -> Iterator[None]:
    previous = os.umask(0)
    try:
        yield
    finally:
        os.umask(previous)


def _mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def test_a_store_written_by_a_newer_version_is_refused(tmp_path: Path) -> None:
    EventStore.open(tmp_path / "s.db").close()
    with sqlite3.connect(tmp_path / "s.db") as db:
        db.execute("INSERT INTO schema_migrations (number, name) VALUES (999, 'from the future')")
    with pytest.raises(StoreError, match=r"written by a newer trailaudit.*migration 999"):
        EventStore.open(tmp_path / "s.db")
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    done = subprocess.run(
        [sys.executable, "-m", "auditor", "--db", "s.db", "run", "--no-ingest", "--out", "o"],
        cwd=tmp_path, env=env, capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert done.returncode == ExitStatus.USAGE
    assert "newer trailaudit (schema migration 999" in done.stderr


def test_the_store_and_its_folder_are_owner_only_whatever_the_umask(
    tmp_path: Path, loose_umask: None
) -> None:
    store = EventStore.open(tmp_path / "new" / "deep" / "s.db")
    store.connection.execute("CREATE TABLE t (x)")
    for name in ("s.db", "s.db-wal", "s.db-shm"):
        assert _mode(tmp_path / "new" / "deep" / name) == 0o600, name
    assert _mode(tmp_path / "new") == 0o700 and _mode(tmp_path / "new" / "deep") == 0o700
    store.close()


def test_reports_are_owner_only_and_a_planted_link_is_replaced_not_followed(
    tmp_path: Path, loose_umask: None
) -> None:
    out = tmp_path / "out"
    out.mkdir()
    victim = tmp_path / "victim.txt"
    victim.write_text("precious", encoding="utf-8")
    (out / "report.html.tmp").symlink_to(victim)
    (out / "report.json").symlink_to(victim)
    paths = write_reports(rich_report(), out, ("html", "json"))
    assert victim.read_text(encoding="utf-8") == "precious"
    for path in paths:
        assert not path.is_symlink() and _mode(path) == 0o600
    assert (out / "report.html.tmp").is_symlink()  # left alone, never written through
    write_reports(rich_report(), tmp_path / "fresh", ("md",))
    assert _mode(tmp_path / "fresh") == 0o700
    assert _mode(tmp_path / "fresh" / "report.md") == 0o600


def _plant_lock(store: EventStore, heartbeat: datetime) -> None:
    with store.transaction():
        store.connection.execute(
            "INSERT INTO run_lock (id, host, pid, acquired_at, heartbeat_at, token)"
            " VALUES (1, 'other-host', 1, ?, ?, 'theirs')",
            (format_instant(heartbeat), format_instant(heartbeat)),
        )


def test_a_lock_from_another_host_with_an_old_heartbeat_is_taken_over(store: EventStore) -> None:
    _plant_lock(store, datetime.now(UTC) - timedelta(minutes=30))
    runs = RunStore(store)
    warning = runs.acquire_lock()
    assert warning is not None and "stale run lock (pid 1 on other-host" in warning
    row = store.connection.execute("SELECT host, pid FROM run_lock").fetchone()
    assert row == (socket.gethostname(), os.getpid())
    runs.release_lock()


def test_a_fresh_lock_is_refused_with_exit_status_4(tmp_path: Path) -> None:
    store = EventStore.open(tmp_path / "s.db", fixed_clock)
    _plant_lock(store, datetime.now(UTC) - timedelta(seconds=20))
    with pytest.raises(RunLockedError) as raised:
        RunStore(store).acquire_lock()
    assert raised.value.exit_status == ExitStatus.LOCKED == 4
    store.close()
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    done = subprocess.run(
        [sys.executable, "-m", "auditor", "--db", "s.db", "run", "--no-ingest", "--out", "o"],
        cwd=tmp_path, env=env, capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert done.returncode == 4, done.stderr
    assert "another run holds the store's lock (pid 1 on other-host" in done.stderr


def test_the_heartbeat_refreshes_the_lock_while_the_run_holds_it(tmp_path: Path) -> None:
    from auditor.store.lock_heartbeat import LockHeartbeat

    store = EventStore.open(tmp_path / "s.db", fixed_clock)
    runs = RunStore(store)
    runs.acquire_lock(lambda: datetime(2020, 1, 1, tzinfo=UTC))
    assert runs.token is not None
    later = datetime(2030, 1, 1, tzinfo=UTC)
    with LockHeartbeat(str(tmp_path / "s.db"), runs.token, lambda: later, interval=0.01):
        deadline = datetime.now(UTC) + timedelta(seconds=20)
        beat = None
        while datetime.now(UTC) < deadline and beat != "2030-01-01T00:00:00Z":
            beat = store.connection.execute("SELECT heartbeat_at FROM run_lock").fetchone()[0]
    assert beat == "2030-01-01T00:00:00Z"
    runs.release_lock()
    store.close()
