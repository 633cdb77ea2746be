"""``kill -9`` at every stage boundary of ``run``, then a normal run: each finding is
reported as new exactly once across the runs' reports, and the store stays sound."""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
from pathlib import Path

import orjson
import pytest

from tests.ingest.records import record, s3_path, write_trail_file

REPO = Path(__file__).resolve().parents[2]
STOP = {"eventSource": "cloudtrail.amazonaws.com", "eventName": "StopLogging"}
STAGES = [
    "ingested",
    "analyzed",
    "staged:report.html",
    "staged:report.md",
    "staged:report.json",
    "recorded",
    "published",
]


def _run(tmp_path: Path, out: str, kill_at: str | None) -> int:
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    env.pop("TRAILAUDIT_TEST_KILL_AT", None)
    if kill_at:
        env["TRAILAUDIT_TEST_KILL_AT"] = kill_at
    command = [sys.executable, "-m", "auditor", "--config", "config.toml", "-q", "run"]
    done = subprocess.run([*command, "--out", out], cwd=tmp_path, env=env, timeout=120,
                          capture_output=True)  # fmt: skip
    return done.returncode


def _new_findings(folder: Path) -> list[str]:
    path = folder / "report.json"
    if not path.exists():
        return []
    report = orjson.loads(path.read_bytes())
    return [f["fingerprint"] for f in report["findings"] if f["status"] == "new"]


@pytest.mark.parametrize("stage", STAGES)
def test_a_run_killed_at_a_stage_then_a_normal_run_reports_each_finding_new_once(
    tmp_path: Path, stage: str
) -> None:
    records = [record(f"s{n}", time=f"2026-11-10T0{n}:00:00Z", requestParameters={
        "name": f"trail-{n}"}, **STOP) for n in range(3)]  # fmt: skip
    write_trail_file(s3_path(tmp_path / "logs", unique="0" * 16), records)
    (tmp_path / "config.toml").write_text(
        '[store]\npath = "t.db"\n[[sources]]\nkind = "local"\npaths = ["logs"]\n'
        '[report]\nformats = ["html", "md", "json"]\n',
        encoding="utf-8",
    )
    assert _run(tmp_path, "killed", stage) == -signal.SIGKILL
    assert _run(tmp_path, "next", None) in (0, 1)
    assert _run(tmp_path, "after", None) == 0
    reported = [fp for out in ("killed", "next", "after") for fp in _new_findings(tmp_path / out)]
    assert len(reported) == 3 and len(set(reported)) == 3, (stage, reported)
    with sqlite3.connect(tmp_path / "t.db") as db:
        assert db.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        assert db.execute("SELECT COUNT(*) FROM publications").fetchone()[0] == 0
    leftovers = [p.name for out in ("killed", "next", "after") if (tmp_path / out).exists()
                 for p in (tmp_path / out).iterdir() if p.name.endswith(".tmp")]  # fmt: skip
    assert leftovers == []
    if stage in ("recorded", "published"):
        # the killed run's own publication was finished: all three of its files are there
        assert sorted(p.name for p in (tmp_path / "killed").iterdir()) == [
            "report.html", "report.json", "report.md"]  # fmt: skip
