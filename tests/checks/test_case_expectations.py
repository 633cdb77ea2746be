"""``<case>.expect.toml``: fail cases state their severity; bad or missing files fail."""

from __future__ import annotations

import subprocess
from pathlib import Path

import orjson

from tests.cli import run
from tests.ingest.records import record

RULE = """id = "user_bob_created_here"
title = "Bob created"
category = "iam-change"
severity = "medium"
kind = "event"
description = "d"
rationale = "r"
remediation = "m"
references = ["https://example.com/"]

[match]
eventName = "CreateUser"

[finding]
message = "User {requestParameters.userName} created."
"""


def _rule(root: Path, expect: str | None) -> Path:
    cases = root / "user_bob_created_here" / "cases"
    cases.mkdir(parents=True)
    (cases.parent / "user_bob_created_here.toml").write_text(RULE, encoding="utf-8")
    (cases / "fail_created.json").write_bytes(orjson.dumps(record("e1")))
    (cases / "pass_deleted.json").write_bytes(orjson.dumps(record("e2", name="DeleteUser")))
    if expect is not None:
        (cases / "fail_created.expect.toml").write_text(expect, encoding="utf-8")
    return cases


def _checks_test(root: Path) -> subprocess.CompletedProcess[str]:
    return run("checks", "test", "--rules", str(root), cwd=root, timeout=120)


def test_a_matching_expectation_passes(tmp_path: Path) -> None:
    _rule(tmp_path, 'severity = "medium"\ncategory = "iam-change"\nmessage = "User bob"\n')
    done = _checks_test(tmp_path)
    assert done.returncode == 0, done.stdout
    assert "2 passed, 0 failed" in done.stdout


def test_a_lowered_severity_fails_the_case(tmp_path: Path) -> None:
    _rule(tmp_path, 'severity = "high"\n')
    done = _checks_test(tmp_path)
    assert done.returncode == 2
    assert "FAIL user_bob_created_here fail_created.json: " in done.stdout
    assert "expected severity high, got medium" in done.stdout


def test_wrong_category_and_message_are_reported(tmp_path: Path) -> None:
    _rule(tmp_path, 'severity = "medium"\ncategory = "root-activity"\nmessage = "alice"\n')
    done = _checks_test(tmp_path)
    assert "expected category root-activity, got iam-change" in done.stdout
    assert "expected a message containing 'alice'" in done.stdout


def test_a_fail_case_without_expectation_fails(tmp_path: Path) -> None:
    cases = _rule(tmp_path, None)
    done = _checks_test(tmp_path)
    assert done.returncode == 2
    assert f"{cases / 'fail_created.expect.toml'}: missing" in done.stdout


def test_unknown_keys_and_bad_severity_name_the_file(tmp_path: Path) -> None:
    cases = _rule(tmp_path, 'severity = "severe"\nseverty = "high"\n')
    done = _checks_test(tmp_path)
    path = cases / "fail_created.expect.toml"
    assert done.returncode == 2
    assert f"{path}:2: unknown key 'severty'" in done.stdout
    assert f"{path}:1: severity 'severe' must be one of" in done.stdout


def test_validate_reports_expectation_problems(tmp_path: Path) -> None:
    cases = _rule(tmp_path, None)
    (cases / "pass_deleted.expect.toml").write_text('severity = "low"\n', encoding="utf-8")
    config = tmp_path / "config.toml"
    config.write_text(f"[checks]\npaths = [{str(tmp_path)!r}]\n", encoding="utf-8")
    done = run("--config", str(config), "checks", "validate", cwd=tmp_path, timeout=120)
    assert done.returncode == 2
    assert "fail_created.expect.toml: missing" in done.stdout
    assert "pass_deleted.expect.toml: a pass_ case expects no finding" in done.stdout
