"""Golden files of the Markdown and JSON reports; refresh with ``pytest --update-golden``."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from reports import render_report
from reports.model import ReportData
from tests.reports.fixtures import rich_report, weekly_report

GOLDEN = Path(__file__).parent / "golden"
CASES: dict[str, Callable[[], ReportData]] = {"nightly": rich_report, "weekly": weekly_report}


@pytest.mark.parametrize("fmt", ["md", "json"])
@pytest.mark.parametrize("case", sorted(CASES))
def test_matches_golden(case: str, fmt: str, update_golden: bool) -> None:
    rendered = render_report(CASES[case](), fmt)
    path = GOLDEN / f"{case}.{fmt}"
    if update_golden:
        path.write_text(rendered, encoding="utf-8", newline="\n")
        return
    assert path.exists(), f"{path} is missing: run pytest --update-golden"
    expected = path.read_text(encoding="utf-8")
    assert rendered == expected, f"{path.name} differs: review, then run pytest --update-golden"


@pytest.mark.parametrize("fmt", ["html", "md", "json"])
def test_rendering_twice_is_byte_identical(fmt: str) -> None:
    first = render_report(weekly_report(), fmt).encode("utf-8")
    second = render_report(weekly_report(), fmt).encode("utf-8")
    assert first == second


@pytest.mark.parametrize("fmt", ["html", "md", "json"])
def test_input_order_does_not_matter(fmt: str) -> None:
    data = weekly_report()
    shuffled = ReportData(
        **{
            **data.__dict__,
            "findings": tuple(reversed(data.findings)),
            "changes": tuple(reversed(data.changes)),
            "input_problems": tuple(reversed(data.input_problems)),
            "sign_ins": tuple(reversed(data.sign_ins)),
            "assumptions": tuple(reversed(data.assumptions)),
            "trends": tuple(reversed(data.trends)),
        }
    )
    assert render_report(shuffled, fmt) == render_report(data, fmt)
