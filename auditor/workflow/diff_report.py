"""``diff``: the IAM state change between two instants, as report data."""

from __future__ import annotations

from datetime import datetime

from auditor.config import Settings
from auditor.iam.history import diff_between
from auditor.policy.actions import load_action_catalog
from auditor.store.event_store import EventStore
from auditor.timeutil import Clock, format_instant
from reports.model import ReportData, Window


def build_diff_report(
    store: EventStore, settings: Settings, clock: Clock, t_from: datetime, t_to: datetime
) -> ReportData:
    """Entities added, removed and modified from ``t_from`` to ``t_to``, with their evidence."""
    changes = diff_between(store, t_from, t_to, settings)
    by_entity: dict[str, int] = {}
    for change in changes:
        by_entity[change.entity] = by_entity.get(change.entity, 0) + 1
    return ReportData(
        kind="diff",
        title=f"IAM changes from {format_instant(t_from)} to {format_instant(t_to)}",
        generated_at=clock(),
        window=Window(t_from, t_to),
        findings=(),
        changes=tuple(sorted(changes, key=lambda c: c.sort_key)),
        input_problems=(),
        stats={"changes": len(changes), "changes_by_entity": dict(sorted(by_entity.items()))},
        action_data_source=str(load_action_catalog().source),
    )
