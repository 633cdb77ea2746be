"""A diff report shows state changes only: it must not claim that nothing was found or seen.

A diff does not run the checks nor summarize sign-ins and role use, so "No findings" or
"No console sign-ins" in it would read as evidence that the window was quiet.
"""

from __future__ import annotations

import dataclasses

import pytest

from reports import render_report
from reports.model import ReportData
from tests.reports.fixtures import rich_report

POINTER = "trailaudit report --since 2026-11-19T09:00:00Z --until 2026-11-28T12:00:00Z"


def _diff_report() -> ReportData:
    data = rich_report("diff")
    return dataclasses.replace(data, findings=(), sign_ins=(), assumptions=(), input_problems=())


@pytest.mark.parametrize("fmt", ["md", "html"])
def test_a_diff_report_points_to_the_report_command_instead_of_empty_sections(fmt: str) -> None:
    text = render_report(_diff_report(), fmt)
    assert POINTER in text
    for absent in ("No findings", "No console sign-ins", "No role assumptions", "Input problems"):
        assert absent not in text
    assert "IAM changes" in text


@pytest.mark.parametrize("fmt", ["md", "html"])
def test_other_reports_keep_their_findings_and_activity(fmt: str) -> None:
    data = dataclasses.replace(rich_report("window"), findings=(), sign_ins=(), assumptions=())
    text = render_report(data, fmt)
    assert "No findings" in text and "No console sign-ins" in text
    assert POINTER not in text
