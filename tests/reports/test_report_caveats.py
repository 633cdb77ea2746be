"""Reports must not pass off what they did not look at as a quiet window.

A diff does not run the checks nor summarize sign-ins and role use, so "No findings" or
"No console sign-ins" in it would read as evidence that the window was quiet; and a report
over a window that held no event cannot tell quiet from a trail that stopped delivering.
"""

from __future__ import annotations

import dataclasses
from datetime import UTC, datetime

import pytest

from reports import render_report
from reports.context import window_options
from reports.model import ReportData, Window
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


NO_EVENTS = "No CloudTrail event fell in this window."


@pytest.mark.parametrize("fmt", ["md", "html"])
@pytest.mark.parametrize("kind", ["nightly", "window", "weekly"])
def test_a_window_without_events_says_so_above_its_zeros(kind: str, fmt: str) -> None:
    data = rich_report(kind)
    empty = dataclasses.replace(data, findings=(), stats={**data.stats, "events_analyzed": 0})
    text = render_report(empty, fmt)
    assert NO_EVENTS in text
    summary = '<section id="summary">' if fmt == "html" else "## Summary"
    assert text.index(NO_EVENTS) < text.index(summary)
    assert NO_EVENTS not in render_report(data, fmt)  # the fixture analyzed 1,234 events


def test_a_diff_has_no_events_count_and_no_such_warning() -> None:
    assert NO_EVENTS not in render_report(_diff_report(), "md")


def test_window_options_leave_out_open_ends() -> None:
    start, end = datetime(2026, 11, 2, tzinfo=UTC), datetime(2026, 11, 9, tzinfo=UTC)
    assert window_options(Window(start, end)) == (
        "--since 2026-11-02T00:00:00Z --until 2026-11-09T00:00:00Z"
    )
    assert window_options(Window(None, end)) == "--until 2026-11-09T00:00:00Z"
    assert window_options(Window(None, None)) == ""
