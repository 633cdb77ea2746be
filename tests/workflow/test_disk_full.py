"""A full disk while writing reports: last night's reports survive, the mark stays, a clear error.

Needs root and loop mounts (CI runs as root); skipped cleanly elsewhere.
"""

from __future__ import annotations

import os
import shutil
import sqlite3
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.cli import run
from tests.ingest.records import record, s3_path, write_trail_file

STOP = {"eventSource": "cloudtrail.amazonaws.com", "eventName": "StopLogging"}


@pytest.fixture
def small_disk(tmp_path: Path) -> Iterator[Path]:
    if os.geteuid() != 0 or shutil.which("mkfs.ext4") is None:
        pytest.skip("needs root and mkfs.ext4 for a loop-mounted filesystem")
    image, mount = tmp_path / "disk.img", tmp_path / "disk"
    mount.mkdir()
    with image.open("wb") as handle:
        handle.truncate(2 * 1024 * 1024)
    made = subprocess.run(["mkfs.ext4", "-q", "-F", str(image)], capture_output=True)
    mounted = made.returncode == 0 and subprocess.run(
        ["mount", "-o", "loop", str(image), str(mount)], capture_output=True
    ).returncode == 0  # fmt: skip
    if not mounted:
        pytest.skip("loop mounts are not permitted here")
    try:
        yield mount
    finally:
        subprocess.run(["umount", str(mount)], check=True)


def _fill(path: Path) -> None:
    """Write until not one more byte fits."""
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT, 0o600)
    try:
        for size in (65536, 4096, 512, 1):
            try:
                while True:
                    os.write(descriptor, b"\0" * size)
            except OSError:
                continue
        os.fsync(descriptor)
    finally:
        os.close(descriptor)


def _run(tmp_path: Path, out: Path) -> subprocess.CompletedProcess[str]:
    return run("--config", "config.toml", "run", "--out", str(out), cwd=tmp_path, timeout=120)


def test_a_full_disk_leaves_last_nights_reports_and_the_mark(
    tmp_path: Path, small_disk: Path
) -> None:
    logs = tmp_path / "logs"
    write_trail_file(s3_path(logs, unique="a" * 16), [record("s1", **STOP)])
    (tmp_path / "config.toml").write_text(
        '[store]\npath = "t.db"\n[[sources]]\nkind = "local"\npaths = ["logs"]\n'
        '[report]\nformats = ["html", "md", "json"]\n',
        encoding="utf-8",
    )
    out = small_disk / "reports"
    assert _run(tmp_path, out).returncode == 1  # last night: a critical finding
    before = {p.name: p.read_bytes() for p in out.iterdir()}
    write_trail_file(s3_path(logs, unique="b" * 16), [record("s2", **STOP)])
    _fill(small_disk / "filler")
    with sqlite3.connect(tmp_path / "t.db") as db:
        mark = db.execute("SELECT MAX(to_arrival) FROM runs WHERE status = 'succeeded'").fetchone()
    tonight = _run(tmp_path, out)
    assert tonight.returncode == 2, tonight.stderr
    assert "cannot write the reports in" in tonight.stderr
    assert "No space left on device" in tonight.stderr
    assert {p.name: p.read_bytes() for p in out.iterdir()} == before  # intact, no leftovers
    with sqlite3.connect(tmp_path / "t.db") as db:
        again = db.execute("SELECT MAX(to_arrival) FROM runs WHERE status = 'succeeded'").fetchone()
        assert again == mark
        assert db.execute("SELECT COUNT(*) FROM publications").fetchone()[0] == 0
    (small_disk / "filler").unlink()
    recovered = _run(tmp_path, out)
    assert recovered.returncode == 1, recovered.stderr
    assert '"s2"' in (out / "report.json").read_text(encoding="utf-8")
