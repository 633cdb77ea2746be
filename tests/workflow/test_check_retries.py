"""A check that raises makes the run incomplete (exit 3); its events are judged again next run."""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import orjson

from tests.ingest.records import record, s3_path, write_trail_file

REPO = Path(__file__).resolve().parents[2]
RULE_ID = "org_new_user_watch"
RULE_TOML = f"""
id = "{RULE_ID}"
title = "A user was created"
category = "new-user"
severity = "low"
kind = "event"
description = "Every CreateUser, as a user rule of the organization."
rationale = "Tests the retries of check errors."
remediation = "None."
references = ["https://docs.aws.amazon.com/IAM/latest/APIReference/API_CreateUser.html"]
"""
RULE_CODE = """
from auditor.rules.base import EventCheck


class NewUserWatch(EventCheck):
    event_names = frozenset({{"CreateUser"}})

    def check_event(self, event, ctx):
        if {broken} and event.event_id == "u2":
            raise RuntimeError("cannot parse this user")
        yield self.finding(event=event, resource=event.event_id, message="user created")
"""


def _setup(tmp_path: Path, broken: str) -> None:
    rule = tmp_path / "rules" / RULE_ID
    rule.mkdir(parents=True, exist_ok=True)
    (rule / f"{RULE_ID}.toml").write_text(RULE_TOML, encoding="utf-8")
    _write_check(tmp_path, broken)
    records = [
        record("u1", time="2026-11-10T09:00:00Z", requestParameters={"userName": "one"}),
        record("u2", time="2026-11-10T09:01:00Z", requestParameters={"userName": "two"}),
    ]
    write_trail_file(s3_path(tmp_path / "logs", unique="0" * 16), records)
    (tmp_path / "config.toml").write_text(
        '[store]\npath = "t.db"\n[[sources]]\nkind = "local"\npaths = ["logs"]\n'
        '[report]\nformats = ["json"]\n[checks]\npaths = ["rules"]\n',
        encoding="utf-8",
    )


def _write_check(tmp_path: Path, broken: str) -> None:
    path = tmp_path / "rules" / RULE_ID / f"{RULE_ID}.py"
    path.write_text(RULE_CODE.format(broken=broken), encoding="utf-8")


def _run(tmp_path: Path, out: str) -> tuple[int, str, list[tuple[str, str]]]:
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    command = [sys.executable, "-m", "auditor", "--config", "config.toml", "run", "--out", out]
    done = subprocess.run(
        command, cwd=tmp_path, env=env, capture_output=True, text=True, timeout=120
    )
    report = orjson.loads((tmp_path / out / "report.json").read_bytes())
    mine = sorted(
        (f["event_ids"][0], f["status"]) for f in report["findings"] if f["check_id"] == RULE_ID
    )
    return done.returncode, done.stderr, mine


def test_events_a_check_failed_on_are_judged_again_once_it_is_fixed(tmp_path: Path) -> None:
    _setup(tmp_path, broken="True")
    status, stderr, found = _run(tmp_path, "r1")
    assert status == 3, stderr
    assert "exit status reason: 1 check error(s): org_new_user_watch on u2" in stderr
    assert found == [("u1", "new")]
    _write_check(tmp_path, broken="False")
    status, stderr, found = _run(tmp_path, "r2")
    assert status == 0, stderr
    assert found == [("u2", "new")]  # u1's finding is not reported again
    status, stderr, found = _run(tmp_path, "r3")
    assert (status, found) == (0, [])
    with sqlite3.connect(tmp_path / "t.db") as db:
        assert db.execute("SELECT COUNT(*) FROM check_retries").fetchone()[0] == 0


def test_a_check_that_keeps_failing_is_given_up_after_three_runs(tmp_path: Path) -> None:
    _setup(tmp_path, broken="True")
    statuses = []
    for night in range(1, 4):
        status, stderr, found = _run(tmp_path, f"r{night}")
        statuses.append(status)
        assert found == ([("u1", "new")] if night == 1 else [])  # u2 is judged, never u1
    assert statuses == [3, 3, 3]
    assert "1 event(s) no longer retried after 3 runs with check errors: org_new_user_watch" \
        " on u2 (RuntimeError: cannot parse this user)" in stderr  # fmt: skip
    status, stderr, found = _run(tmp_path, "r4")
    assert (status, found) == (0, []), stderr
