"""A nightly run killed with SIGKILL mid-analysis: the next run reports everything exactly once."""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import orjson
import pytest

from tests.ingest.records import record, s3_path, write_trail_file

REPO = Path(__file__).resolve().parents[2]
EVENTS = 12_000


def _trail(root: Path) -> None:
    records = []
    for index in range(EVENTS):
        minute = f"2026-11-10T{index // 600 % 24:02d}:{index // 10 % 60:02d}:{index % 10:02d}Z"
        if index % 400 == 0:
            records.append(
                record(f"stop-{index}", time=minute, eventSource="cloudtrail.amazonaws.com",
                       eventName="StopLogging", requestParameters={"name": f"trail-{index}"})
            )  # fmt: skip
        else:
            records.append(record(f"get-{index}", time=minute, eventName="GetUser"))
    for start in range(0, EVENTS, 2000):
        unique = f"{start:016d}"
        write_trail_file(s3_path(root, unique=unique), records[start : start + 2000])


def _run(tmp_path: Path, out: str) -> subprocess.Popen[bytes]:
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    command = [
        sys.executable,
        "-m",
        "auditor",
        "--config",
        "config.toml",
        "-q",
        "run",
        "--out",
        out,
    ]
    return subprocess.Popen(command, cwd=tmp_path, env=env, start_new_session=True,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)  # fmt: skip


def test_killed_run_then_new_run_reports_everything_once(tmp_path: Path) -> None:
    _trail(tmp_path / "logs")
    (tmp_path / "config.toml").write_text(
        '[store]\npath = "t.db"\n[[sources]]\nkind = "local"\npaths = ["logs"]\n'
        '[report]\nformats = ["json"]\n',
        encoding="utf-8",
    )
    killed = _run(tmp_path, "first")
    deadline = time.monotonic() + 60
    state = None
    while time.monotonic() < deadline and killed.poll() is None:
        try:
            with sqlite3.connect(tmp_path / "t.db", timeout=0.05) as probe:
                row = probe.execute("SELECT status FROM runs ORDER BY id DESC LIMIT 1").fetchone()
                state = row[0] if row else None
        except sqlite3.Error:
            state = None
        if state == "running":
            break
        time.sleep(0.01)
    if killed.poll() is not None:
        pytest.skip("the run finished before it could be killed on this machine")
    os.killpg(killed.pid, signal.SIGKILL)
    killed.wait()
    assert not (tmp_path / "first" / "report.json").exists()
    with sqlite3.connect(tmp_path / "t.db") as probe:
        assert probe.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        assert (
            probe.execute("SELECT COUNT(*) FROM runs WHERE status = 'succeeded'").fetchone()[0] == 0
        )
        assert probe.execute("SELECT COUNT(*) FROM finding_history").fetchone()[0] == 0
    second = _run(tmp_path, "second")
    assert second.wait(timeout=120) == 1  # critical findings at or above fail_on
    report = orjson.loads((tmp_path / "second" / "report.json").read_bytes())
    stops = sorted(f["event_ids"][0] for f in report["findings"]
                   if f["check_id"] == "cloudtrail_trail_logging_stopped")  # fmt: skip
    assert stops == sorted(f"stop-{i}" for i in range(0, EVENTS, 400))
    assert all(f["status"] == "new" for f in report["findings"])
    assert report["stats"]["events_analyzed"] == EVENTS
    third = _run(tmp_path, "third")
    assert third.wait(timeout=120) == 0
    again = orjson.loads((tmp_path / "third" / "report.json").read_bytes())
    assert again["findings"] == [] and again["stats"]["events_analyzed"] == 0
