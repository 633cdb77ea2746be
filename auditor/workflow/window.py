"""``report``: any window (the weekly report) without moving the nightly mark."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta

from auditor.config import Settings
from auditor.findings import Finding
from auditor.history import History
from auditor.store.event_store import EventQuery, EventStore
from auditor.store.runs import RunStore
from auditor.timeutil import Clock, format_instant
from auditor.workflow.analysis import Outcome, Scope, analyze_scope
from auditor.workflow.trends import weekly_trends
from reports.model import Window

WEEKLY_AFTER = timedelta(days=6)


def _known_before(store: EventStore, findings: Sequence[Finding], since: datetime) -> set[str]:
    """Fingerprints a run recorded for evidence older than the window."""
    first = RunStore(store).first_seen(f.fingerprint for f in findings)
    if not first:
        return set()
    rows = store.connection.execute(
        "SELECT fingerprint FROM finding_history WHERE first_time < ?", (format_instant(since),)
    )
    return {fp for (fp,) in rows if fp in first}


def build_window_report(
    store: EventStore,
    settings: Settings,
    clock: Clock,
    since: datetime,
    until: datetime,
    kind: str | None = None,
) -> Outcome:
    """Analyze ``[since, until)`` as if nothing after ``since`` had been seen."""
    judged = list(store.iter_events(EventQuery(since=since, until=until)))
    chosen = kind or ("weekly" if until - since >= WEEKLY_AFTER else "window")
    since_text = format_instant(since)
    problems = [p for p in store.problems_since(0) if p.detected_at >= since_text]
    title = (
        f"{settings.report.title}: the week of {since.date().isoformat()}"
        if chosen == "weekly"
        else f"{settings.report.title}: {since_text} to {format_instant(until)}"
    )
    scope = Scope(
        kind=chosen,
        title=title,
        window=Window(since, until),
        judged=judged,
        history=History(store, before_time=since),
        problems=problems,
        judged_is_everything=True,
    )
    year, week, _ = since.isocalendar()
    return analyze_scope(
        store,
        settings,
        scope,
        clock,
        trends=weekly_trends(RunStore(store).succeeded_runs(), before=f"{year}-W{week:02d}"),
        recurring=lambda findings: _known_before(store, findings, since),
    )
