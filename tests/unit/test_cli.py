"""The command line as users run it: exit codes, one-line errors, JSON output."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from tests.ingest.records import record, s3_path, write_trail_file

REPO = Path(__file__).resolve().parents[2]


def run(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    """Run trailaudit in a subprocess, as a user would."""
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    return subprocess.run(
        [sys.executable, "-m", "auditor", *args], cwd=cwd, env=env, capture_output=True, text=True
    )


def test_ingest_then_events_json(tmp_path: Path) -> None:
    write_trail_file(
        s3_path(tmp_path / "logs"),
        [record("e1"), record("e2", name="DeleteUser", errorCode="AccessDenied")],
    )
    result = run("--db", "t.db", "ingest", "logs", "--json", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    summary = json.loads(result.stdout)
    assert summary["new_events"] == 2
    assert summary["problems"] == []
    listed = run("--db", "t.db", "events", "--json", "--failed", cwd=tmp_path)
    lines = [json.loads(line) for line in listed.stdout.splitlines()]
    assert [line["event_id"] for line in lines] == ["e2"]
    expected = {"event_id", "event_time", "event_source", "event_name", "actor_arn", "failed"}
    assert expected <= set(lines[0]) and "arrival" in lines[0]
    table = run("--db", "t.db", "events", "--name", "CreateUser", cwd=tmp_path)
    assert "iam:CreateUser" in table.stdout


def test_input_problems_give_exit_status_3_and_name_the_file(tmp_path: Path) -> None:
    (tmp_path / "broken.json.gz").write_bytes(b"\x1f\x8b\x08\x00broken")
    write_trail_file(s3_path(tmp_path), [record("ok")])
    result = run("--db", "t.db", "ingest", str(tmp_path), cwd=tmp_path)
    assert result.returncode == 3
    assert "broken.json.gz" in result.stderr
    assert "records kept" in result.stdout


def test_config_error_is_one_line_with_exit_status_2(tmp_path: Path) -> None:
    (tmp_path / "config.toml").write_text("[store]\nnope = 1\n", encoding="utf-8")
    result = run("events", cwd=tmp_path)
    assert result.returncode == 2
    assert result.stderr.strip().splitlines() == [
        "trailaudit: error: config.toml: unknown key 'store.nope'"
    ]


def test_bad_time_is_a_usage_error(tmp_path: Path) -> None:
    result = run("--db", "t.db", "events", "--since", "last tuesday", cwd=tmp_path)
    assert result.returncode == 2
    assert "not an ISO 8601 time" in result.stderr
    assert "Traceback" not in result.stderr


def test_help_lists_the_commands(tmp_path: Path) -> None:
    result = run("--help", cwd=tmp_path)
    assert result.returncode == 0
    assert "ingest" in result.stdout and "events" in result.stdout


def test_events_actor_with_a_role_arn_matches_its_sessions(tmp_path: Path) -> None:
    session = {
        "type": "AssumedRole",
        "arn": "arn:aws:sts::111122223333:assumed-role/deploy_role/ci-run-7",
        "accountId": "111122223333",
        "sessionContext": {
            "sessionIssuer": {"arn": "arn:aws:iam::111122223333:role/ci/deploy_role"}
        },
    }
    write_trail_file(s3_path(tmp_path / "logs"), [record("s1", userIdentity=session), record("u1")])
    assert run("--db", "t.db", "ingest", "logs", cwd=tmp_path).returncode == 0
    for actor in (
        "arn:aws:iam::111122223333:role/ci/deploy_role",
        "arn:aws:sts::111122223333:assumed-role/deploy_role",
    ):
        listed = run("--db", "t.db", "events", "--json", "--actor", actor, cwd=tmp_path)
        assert [json.loads(line)["event_id"] for line in listed.stdout.splitlines()] == ["s1"]


def test_log_text_on_the_terminal_is_neither_markup_nor_escape_sequences(tmp_path: Path) -> None:
    hostile = {
        "type": "IAMUser",
        "arn": "arn:aws:iam::111122223333:user/[link=https://evil.example]x[/link]\x1b[2J",
        "accountId": "111122223333",
    }
    write_trail_file(s3_path(tmp_path / "logs"), [record("h1", userIdentity=hostile)])
    assert run("--db", "t.db", "ingest", "logs", cwd=tmp_path).returncode == 0
    table = run("--db", "t.db", "events", cwd=tmp_path).stdout
    assert "[link=https://evil.example]x[/link]" in table
    assert "\x1b[2J" not in table and "\\x1b[2J" in table
