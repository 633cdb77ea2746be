"""Hostile local sources: unlistable folders, FIFOs, devices, files that change."""

from __future__ import annotations

import os
import signal
import stat
import tempfile
from collections.abc import Iterator
from pathlib import Path

import orjson
import pytest

from auditor.config import IngestSettings
from auditor.ingest.pipeline import IngestSummary, ingest_files
from auditor.sources.interface import LogFile
from auditor.sources.layout import Window
from auditor.sources.local import LocalSource, NotRegularFileError, read_local_file
from auditor.store.event_store import EventStore
from tests.conftest import fixed_clock
from tests.ingest.records import record, s3_path, write_trail_file

NOBODY = 65534


@pytest.fixture
def alarm() -> Iterator[None]:
    """Fail (instead of hanging) when a test blocks for 20 s."""

    def expire(*_: object) -> None:
        raise TimeoutError("blocked for 20 s")

    previous = signal.signal(signal.SIGALRM, expire)
    signal.alarm(20)
    yield
    signal.alarm(0)
    signal.signal(signal.SIGALRM, previous)


def _ingest(root: Path, database: Path) -> IngestSummary:
    store = EventStore.open(database, fixed_clock)
    try:
        items = LocalSource((str(root),)).list_files(Window())
        return ingest_files(items, store, IngestSettings(workers=1))
    finally:
        store.close()


def _ingest_as_nobody(root: Path, database: Path) -> dict[str, object]:
    """Ingest in a forked child that dropped root (root ignores permission bits)."""
    reader, writer = os.pipe()
    child = os.fork()
    if child == 0:  # pragma: no cover - runs in the child
        try:
            os.setgid(NOBODY)
            os.setuid(NOBODY)
            os.write(writer, orjson.dumps(_ingest(root, database).to_dict()))
        finally:
            os._exit(0)
    os.close(writer)
    with os.fdopen(reader, "rb") as pipe:
        data = pipe.read()
    os.waitpid(child, 0)
    return dict(orjson.loads(data))


def test_an_unlistable_folder_is_an_input_problem() -> None:
    with tempfile.TemporaryDirectory() as scratch:
        base = Path(scratch)
        base.chmod(0o777)
        logs = base / "logs"
        write_trail_file(s3_path(logs, unique="good000000000000"), [record("g")])
        hidden = logs / "hidden"
        write_trail_file(s3_path(hidden, unique="hide000000000000"), [record("h")])
        for folder in [logs, *logs.rglob("*")]:
            folder.chmod(0o755 if folder.is_dir() else 0o644)
        hidden.chmod(0)
        try:
            if os.geteuid() == 0:
                summary = _ingest_as_nobody(logs, base / "store.db")
            else:
                summary = _ingest(logs, base / "store.db").to_dict()
        finally:
            hidden.chmod(0o755)
    problems = summary["problems"]
    assert isinstance(problems, list)
    assert any(p["location"] == str(hidden) and "cannot list" in p["reason"] for p in problems)
    assert summary["new_events"] == 1


def test_a_fifo_socket_and_device_are_reported_not_opened(tmp_path: Path, alarm: None) -> None:
    logs = tmp_path / "logs"
    write_trail_file(s3_path(logs), [record("a")])
    os.mkfifo(logs / "pipe.json")
    (logs / "zero.json").symlink_to("/dev/zero")
    summary = _ingest(logs, tmp_path / "store.db")
    reasons = {Path(p.location).name: p.reason for p in summary.problems}
    assert "FIFO" in reasons["pipe.json"] and "character device" in reasons["zero.json"]
    assert summary.new_events == 1 and int(summary.exit_status) == 3


def test_a_file_swapped_for_a_fifo_after_listing_is_not_read(tmp_path: Path, alarm: None) -> None:
    path = write_trail_file(s3_path(tmp_path), [record("a")])
    (listed,) = LocalSource((str(path),)).list_files(Window())
    assert isinstance(listed, LogFile)
    path.unlink()
    os.mkfifo(path)
    with pytest.raises(NotRegularFileError):
        read_local_file(listed)
    path.unlink()
    path.symlink_to("/dev/zero")
    with pytest.raises(NotRegularFileError):
        read_local_file(listed)


def test_a_file_that_changed_after_listing_is_reported_and_read_next_time(
    tmp_path: Path,
) -> None:
    path = write_trail_file(s3_path(tmp_path), [record("a")])
    items = list(LocalSource((str(tmp_path),)).list_files(Window()))
    write_trail_file(path, [record("a"), record("b")])
    store = EventStore.open(tmp_path / "store.db", fixed_clock)
    summary = ingest_files(items, store, IngestSettings(workers=1))
    assert any("changed" in p.reason for p in summary.problems)
    again = ingest_files(
        LocalSource((str(tmp_path),)).list_files(Window()), store, IngestSettings(workers=1)
    )
    assert again.new_events == 2
    store.close()


def test_a_symlinked_folder_is_reported_as_skipped(tmp_path: Path) -> None:
    real = tmp_path / "real"
    write_trail_file(s3_path(real), [record("a")])
    logs = tmp_path / "logs"
    logs.mkdir()
    (logs / "linked").symlink_to(real, target_is_directory=True)
    items = list(LocalSource((str(logs),)).list_files(Window()))
    assert [getattr(i, "reason", "") for i in items] == ["symbolic link to a folder, not followed"]
    assert stat.S_ISDIR(os.stat(logs / "linked").st_mode)
