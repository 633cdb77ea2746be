"""Rule loading and validation: every problem at once, with its file and line."""

from __future__ import annotations

from pathlib import Path

from auditor.config import ChecksSettings
from auditor.rules.catalog import load_catalog

GOOD = """
id = "test_user_created_here"
title = "A user was created"
category = "new-user"
severity = "low"
kind = "event"
description = "d"
rationale = "r"
remediation = "m"
references = ["https://example.com/x"]

[match]
eventName = "CreateUser"
"""


def _rule(root: Path, rule_id: str, toml: str, cases: bool = True) -> Path:
    folder = root / "area" / rule_id
    (folder / "cases").mkdir(parents=True)
    (folder / f"{rule_id}.toml").write_text(toml, encoding="utf-8")
    if cases:
        (folder / "cases" / "fail_x.json").write_text("{}", encoding="utf-8")
        (folder / "cases" / "pass_x.json").write_text("{}", encoding="utf-8")
    return folder


def test_all_problems_are_reported_with_file_and_line(tmp_path: Path) -> None:
    _rule(tmp_path, "test_user_created_here", GOOD)
    bad = GOOD.replace('"new-user"', '"made-up"').replace('"low"', '"severe"')
    bad = 'extra = "x"\n' + bad.replace("test_user_created_here", "test_bad_rule_here")
    _rule(tmp_path, "test_bad_rule_here", bad)
    broken_match = GOOD.replace("test_user_created_here", "test_broken_match_here").replace(
        'eventName = "CreateUser"', '"eventName|regex" = "x"'
    )
    _rule(tmp_path, "test_broken_match_here", broken_match)
    _rule(
        tmp_path,
        "test_no_cases_here",
        GOOD.replace("test_user_created_here", "test_no_cases_here"),
        cases=False,
    )
    catalog = load_catalog(ChecksSettings(paths=(str(tmp_path),)), include_builtin=False)
    assert sorted(c.check_id for c in catalog.checks) == [
        "test_no_cases_here",
        "test_user_created_here",
    ]
    text = "\n".join(str(p) for p in catalog.problems + catalog.untested)
    assert "test_bad_rule_here.toml:5: category 'made-up'" in text
    assert "test_bad_rule_here.toml:6: severity 'severe'" in text
    assert "unknown key 'extra'" in text
    assert (
        "test_broken_match_here.toml:13: match key 'eventName|regex': unknown modifier 'regex'"
        in text
    )
    assert "needs at least one cases/fail_* case" in text


def test_enable_disable_and_severity_override() -> None:
    settings = ChecksSettings(
        disable=("sts_assume_role_first_time",),
        severity={"signin_console_login_without_mfa": "critical"},
    )
    catalog = load_catalog(settings)
    ids = {c.check_id for c in catalog.checks}
    assert "sts_assume_role_first_time" not in ids
    assert catalog.disabled == ["sts_assume_role_first_time"]
    mfa = next(c for c in catalog.checks if c.check_id == "signin_console_login_without_mfa")
    assert mfa.severity.value == "critical"
    only = load_catalog(ChecksSettings(enable=("iam_policy_admin_granted",)))
    assert [c.check_id for c in only.checks] == ["iam_policy_admin_granted"]
