"""Weekly trends from stored runs: each earlier week's finding counts and headline."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence

from auditor.store.runs import RunRecord
from reports.model import TrendPoint

MAX_WEEKS = 8


def week_label(run: RunRecord) -> str | None:
    """The ISO week (``2026-W46``) of the events a run analyzed."""
    moment = run.window_until or run.window_since
    if moment is None:
        return None
    year, week, _ = moment.isocalendar()
    return f"{year}-W{week:02d}"


def weekly_trends(runs: Sequence[RunRecord], before: str | None = None) -> list[TrendPoint]:
    """Per ISO week, the sum of the runs' counts (findings by severity and headline)."""
    weeks: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    for run in runs:
        label = week_label(run)
        if label is None or (before is not None and label >= before):
            continue
        totals = weeks[label]
        for section in ("findings", "headline"):
            values = run.counts.get(section, {})
            if isinstance(values, dict):
                for key, value in values.items():
                    if isinstance(value, int):
                        totals[key] += value
    labels = sorted(weeks)[-MAX_WEEKS:]
    return [TrendPoint(label, dict(sorted(weeks[label].items()))) for label in labels]
