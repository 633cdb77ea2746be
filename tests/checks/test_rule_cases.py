"""Every rule's cases run; every rule has both a fail and a pass case (Semgrep/Panther style)."""

from __future__ import annotations

import pytest

from auditor.config import ChecksSettings
from auditor.rules.base import Check
from auditor.rules.cases import case_files, expectation_problems, run_case
from auditor.rules.catalog import load_catalog

CATALOG = load_catalog(ChecksSettings())
CASES = [(check, path) for check in CATALOG.checks for path in case_files(check)]


def test_the_builtin_pack_loads_without_problems() -> None:
    assert [str(p) for p in CATALOG.problems + CATALOG.untested] == []
    assert [str(p) for p in expectation_problems(CATALOG)] == []  # every fail case has one
    assert CATALOG.checks


@pytest.mark.parametrize("check", CATALOG.checks, ids=lambda c: c.check_id)
def test_every_rule_has_fail_and_pass_cases(check: Check) -> None:
    names = [p.name for p in case_files(check)]
    assert any(n.startswith("fail_") for n in names), f"{check.check_id} has no fail_ case"
    assert any(n.startswith("pass_") for n in names), f"{check.check_id} has no pass_ case"


@pytest.mark.parametrize(("check", "path"), CASES, ids=[f"{c.check_id}/{p.name}" for c, p in CASES])
def test_case(check: Check, path: object) -> None:
    from pathlib import Path

    assert isinstance(path, Path)
    result = run_case(check, path)
    assert not result.errors, result.errors
    if result.expected_findings:
        assert result.findings, f"{path.name}: expected a finding of {check.check_id}"
        for finding in result.findings:
            assert finding.message.endswith("."), finding.message
            assert finding.event_ids
        assert not result.mismatches, result.mismatches  # severity, category, message
    else:
        assert not result.findings, f"{path.name}: unexpected {result.findings[0].message}"


def test_rule_ids_are_unique_and_match_their_folders() -> None:
    ids = [c.check_id for c in CATALOG.checks]
    assert len(ids) == len(set(ids))
    for check in CATALOG.checks:
        assert check.meta.folder.name == check.check_id == check.meta.path.stem
