"""User rules' ``re`` and ``glob`` run in linear time on log values; RE2-only patterns."""

from __future__ import annotations

import subprocess
from pathlib import Path

import orjson

from auditor.rules.catalog import load_rule
from tests.cli import run
from tests.ingest.records import record

RULE = """id = "user_agent_catastrophic_regex"
title = "A user agent of only a"
category = "{category}"
severity = "low"
kind = "event"
description = "d"
rationale = "r"
remediation = "m"
references = ["https://example.com/"]

[match]
{match}
"""


def _rule(root: Path, match: str, category: str = "iam-change") -> Path:
    folder = root / "user_agent_catastrophic_regex"
    (folder / "cases").mkdir(parents=True)
    path = folder / "user_agent_catastrophic_regex.toml"
    path.write_text(RULE.format(match=match, category=category), encoding="utf-8")
    return path


def _case(root: Path, name: str, user_agent: str) -> None:
    folder = root / "user_agent_catastrophic_regex" / "cases"
    (folder / name).write_bytes(orjson.dumps(record("e1", userAgent=user_agent)))


def _checks_test(root: Path) -> subprocess.CompletedProcess[str]:
    return run("checks", "test", "--rules", str(root), cwd=root, timeout=60)


def test_a_catastrophic_regex_on_a_long_user_agent_finishes(tmp_path: Path) -> None:
    _rule(tmp_path, '"userAgent|re" = "^(a+)+$"')
    _case(tmp_path, "fail_only_a.json", "a" * 41)
    _case(tmp_path, "pass_a_then_bang.json", "a" * 60 + "!")
    (tmp_path / "user_agent_catastrophic_regex/cases/fail_only_a.expect.toml").write_text(
        'severity = "low"\n', encoding="utf-8"
    )
    done = _checks_test(tmp_path)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "2 passed, 0 failed" in done.stdout


def test_ci_regex_and_glob_keep_their_semantics(tmp_path: Path) -> None:
    _rule(tmp_path, '"userAgent|re|ci" = "^AWS-CLI/"\n"userAgent|glob" = "*?*?*?*?*?*?*?*/2.*"')
    _case(tmp_path, "fail_cli.json", "aws-cli/2.15.0")
    _case(tmp_path, "pass_hostile.json", "aws-cli/" + "?*" * 5000 + "!")
    (tmp_path / "user_agent_catastrophic_regex/cases/fail_cli.expect.toml").write_text(
        'severity = "low"\n', encoding="utf-8"
    )
    done = _checks_test(tmp_path)
    assert done.returncode == 0, done.stdout + done.stderr


def test_a_backreference_is_refused_naming_the_file_and_key(tmp_path: Path) -> None:
    path = _rule(tmp_path, '"userAgent|re" = "(a)\\\\1"')
    check, problems = load_rule(path)
    assert check is None
    assert len(problems) == 1
    text = str(problems[0])
    assert text.startswith(f"{path}:")
    assert "userAgent|re" in text and "RE2" in text


def test_a_lookahead_is_refused(tmp_path: Path) -> None:
    path = _rule(tmp_path, '"userAgent|re" = "(?=aws)aws-cli"')
    check, problems = load_rule(path)
    assert check is None and "lookahead" in str(problems[0])
