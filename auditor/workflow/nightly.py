"""``run``: ingest the configured sources, analyze what arrived since the last run, report.

Order matters for safety: events and problems are stored first; the run's success (which
moves the mark) and its findings are recorded in one transaction at the very end. A
run that fails or is killed leaves the mark where it was, so the next run covers its
events; findings already recorded are then marked recurring, never lost.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path

from auditor.config import Settings
from auditor.errors import ExitStatus
from auditor.findings import Finding
from auditor.history import History
from auditor.iam.history import save_snapshot, snapshots_of
from auditor.ingest.pipeline import IngestProgress, IngestSummary, ingest_files
from auditor.sources.layout import Window as DeliveryWindow
from auditor.sources.resolve import list_all, source_for_settings
from auditor.store.event_store import EventQuery, EventStore
from auditor.store.runs import RunStore
from auditor.timeutil import Clock
from auditor.workflow.analysis import Outcome, Scope, analyze_scope
from auditor.workflow.trends import weekly_trends
from reports import write_reports
from reports.model import Window


@dataclass
class RunResult:
    """What a run did and where its reports are."""

    run_id: int
    outcome: Outcome
    ingest: IngestSummary | None
    reports: list[Path] = field(default_factory=list)
    status: ExitStatus = ExitStatus.OK
    reasons: list[str] = field(default_factory=list)


def ingest_configured_sources(
    store: EventStore,
    settings: Settings,
    progress: IngestProgress | None = None,
    since: datetime | None = None,
) -> IngestSummary | None:
    """Ingest every ``[[sources]]`` entry delivered since ``since`` (None: no sources)."""
    if not settings.sources:
        return None
    margin = timedelta(hours=settings.ingest.delivery_margin_hours)
    sources = [source_for_settings(s) for s in settings.sources]
    listing = list_all(sources, DeliveryWindow(since=since, margin=margin))
    remote = max((s.max_concurrency for s in settings.sources if s.kind != "local"), default=0)
    return ingest_files(listing, store, settings.ingest, progress, remote)


def run_nightly(
    store: EventStore,
    settings: Settings,
    clock: Clock,
    out_dir: Path,
    formats: Sequence[str],
    progress: IngestProgress | None = None,
    ingest: bool = True,
) -> RunResult:
    """The nightly job, end to end; see the module docstring for its guarantees."""
    runs = RunStore(store)
    runs.acquire_lock()
    try:
        summary = None
        if ingest:
            # files delivered before the last successful run started, less the delivery
            # margin, were read then: list only the day folders since (a backfill first)
            last = runs.last_success_started()
            margin = timedelta(hours=settings.ingest.delivery_margin_hours)
            since = last - margin if last is not None else None
            summary = ingest_configured_sources(store, settings, progress, since)
        mark = runs.mark()
        to_arrival, to_problem = store.max_arrival(), store.max_problem_id()
        run_id = runs.start("nightly", mark, to_arrival, to_problem)
        try:
            result = _analyze_and_report(
                store, settings, clock, runs, run_id, mark.arrival, to_arrival, out_dir, formats
            )
        except BaseException as exc:
            runs.fail(run_id, f"{type(exc).__name__}: {exc}")
            raise
        result.ingest = summary
        return result
    finally:
        runs.release_lock()


def _analyze_and_report(
    store: EventStore,
    settings: Settings,
    clock: Clock,
    runs: RunStore,
    run_id: int,
    from_arrival: int,
    to_arrival: int,
    out_dir: Path,
    formats: Sequence[str],
) -> RunResult:
    mark = runs.mark()
    judged = list(
        store.iter_events(EventQuery(after_arrival=from_arrival, up_to_arrival=to_arrival))
    )
    problems = store.problems_since(mark.problem_id)
    times = [e.time for e in judged]
    window = Window(min(times) if times else None, max(times) if times else None)
    scope = Scope(
        kind="nightly",
        title=f"{settings.report.title}: changes since the last run",
        window=window,
        judged=judged,
        history=History(store, up_to_arrival=from_arrival),
        problems=problems,
        only_changes_of_judged=True,
    )

    def recurring(findings: Sequence[Finding]) -> set[str]:
        seen = runs.first_seen(f.fingerprint for f in findings)
        return {fp for fp, first_run in seen.items() if first_run != run_id}

    outcome = analyze_scope(
        store,
        settings,
        scope,
        clock,
        trends=weekly_trends(runs.succeeded_runs()),
        recurring=recurring,
        extra_stats={"run_id": run_id, "arrivals": [from_arrival + 1, to_arrival]},
    )
    data = outcome.data
    template_dir = Path(settings.report.template_dir) if settings.report.template_dir else None
    paths = write_reports(data, out_dir, formats, template_dir)
    after = outcome.analysis.state_after
    pruned = 0
    if times and after is not None:
        # the analysis replayed every stored event up to the latest one it judged, so its
        # final state is state_at(latest): store it rather than replaying it again
        save_snapshot(store, after, max(times))
        if settings.store.daily_snapshots_days > 0:
            with store.transaction():
                pruned = snapshots_of(store).prune(settings.store.daily_snapshots_days)
    counts = {
        "events": len(judged),
        "findings": dict(data.stats.get("findings_by_severity", {})),
        "headline": dict(data.headline),
        "problems": len(problems),
        "snapshots_pruned": pruned,
    }
    runs.succeed(
        run_id, (window.since, window.until), counts, [str(p) for p in paths], data.findings
    )
    return RunResult(run_id, outcome, None, paths, outcome.status, list(data.exit_statuses))
