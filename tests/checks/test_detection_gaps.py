"""Root console calls, public trust behind an ExternalId, AWS's key quarantine, trail regions.

Each rule's ``cases/fail_*.expect.toml`` names the severity (and category, message) the
case must produce; this runs those of the rules fixed here, through the whole engine
(so the automation lowering applies as in a real run).
"""

from __future__ import annotations

import tomllib
from pathlib import Path

import pytest

from auditor.config import ChecksSettings
from auditor.rules.base import Check
from auditor.rules.cases import case_files, run_case
from auditor.rules.catalog import load_catalog

RULES = (
    "root_api_called",
    "iam_role_trust_public",
    "iam_user_key_quarantined",
    "cloudtrail_trail_logging_stopped",
)
CATALOG = load_catalog(ChecksSettings(enable=RULES))


def _expected_cases() -> list[tuple[Check, Path]]:
    return [
        (check, path)
        for check in CATALOG.checks
        for path in case_files(check)
        if path.with_name(path.name.rsplit(".", 1)[0] + ".expect.toml").exists()
    ]


@pytest.mark.parametrize(("check", "path"), _expected_cases(), ids=lambda v: getattr(v, "name", ""))
def test_fail_cases_have_the_expected_severity(check: Check, path: Path) -> None:
    expect = tomllib.loads(
        path.with_name(path.name.rsplit(".", 1)[0] + ".expect.toml").read_text(encoding="utf-8")
    )
    result = run_case(check, path)
    assert not result.errors
    assert result.findings, f"{path.name}: no finding"
    assert {f.severity.value for f in result.findings} == {expect["severity"]}
    if "category" in expect:
        assert {f.category for f in result.findings} == {expect["category"]}
    if "message" in expect:
        assert all(expect["message"] in f.message for f in result.findings)


def test_the_cases_of_each_fix_are_there() -> None:
    names = {path.name for _, path in _expected_cases()}
    assert {
        "fail_root_console_creates_access_key.json",
        "fail_everyone_with_external_id.json",
        "fail_any_aws_account_with_external_id.json",
        "fail_inline_quarantine_v3_by_aws.json",
        "fail_quarantine_v3_attached_by_aws_service.json",
        "fail_same_name_in_another_region_not_lowered.jsonl",
    } <= names


def test_the_quarantine_rule_opts_out_of_automation_lowering() -> None:
    assert "iam_user_key_quarantined" in CATALOG.never_lowered()
    assert "root_api_called" not in CATALOG.never_lowered()


def test_a_trail_finding_is_keyed_by_region_and_account() -> None:
    check = next(c for c in CATALOG.checks if c.check_id == "cloudtrail_trail_logging_stopped")
    folder = check.meta.folder / "cases"
    same = run_case(check, folder / "fail_same_name_in_another_region_not_lowered.jsonl")
    by_arn = run_case(check, folder / "fail_deleted_by_arn_from_another_region_is_low.jsonl")
    assert [f.resource for f in same.findings] == [
        "arn:aws:cloudtrail:us-east-1:123837392027:trail/org-audit-trail"
    ]
    assert [f.resource for f in by_arn.findings] == [
        "arn:aws:cloudtrail:eu-west-1:123837392027:trail/org-audit-trail"
    ]
    assert same.findings[0].fingerprint != by_arn.findings[0].fingerprint
    assert same.findings[0].region == "us-east-1"
