"""``run``: ingest the configured sources, analyze what arrived since the last run, report.

Order matters for safety. Sources are listed whole (files already read are skipped
without being read), so a file that arrives late in an old folder is read by the next
run. Events and problems are stored first. The reports are written to temporary files;
the run's success (which moves the mark), its findings and the events a check could not
judge commit in one transaction; only then are the reports moved into place (see
``publication``). A run that fails or is killed before that transaction leaves the mark
and last night's reports as they were, so the next run covers its events; one killed
after it has its publication finished by the next run. Each finding is reported as new
exactly once.
"""

from __future__ import annotations

import contextlib
import dataclasses
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

import orjson

from auditor.config import Settings
from auditor.engine import CheckError
from auditor.errors import ExitStatus
from auditor.events import Event, normalize_record
from auditor.findings import Finding
from auditor.history import History
from auditor.iam.history import save_snapshot, snapshots_of
from auditor.ingest.pipeline import IngestProgress, IngestSummary, ingest_files
from auditor.sources.layout import Window as DeliveryWindow
from auditor.sources.resolve import list_all, source_for_settings
from auditor.store.event_store import EventQuery, EventStore, InputProblem
from auditor.store.lock_heartbeat import LockHeartbeat
from auditor.store.runs import RetryRow, RunStore, wall_clock
from auditor.timeutil import Clock
from auditor.workflow.analysis import Outcome, Scope, analyze_scope
from auditor.workflow.outcome import check_error_reasons, merge_reasons
from auditor.workflow.publication import finish_publications, kill_point, stage_reports
from auditor.workflow.trends import weekly_trends
from reports import render_reports, report_paths
from reports.model import Window

MAX_CHECK_ATTEMPTS = 3  # runs that judge an event a check fails on, before giving up


@dataclass
class RunResult:
    """What a run did and where its reports are."""

    run_id: int
    outcome: Outcome
    ingest: IngestSummary | None
    reports: list[Path] = field(default_factory=list)
    status: ExitStatus = ExitStatus.OK
    reasons: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)


def ingest_configured_sources(
    store: EventStore, settings: Settings, progress: IngestProgress | None = None
) -> IngestSummary | None:
    """Ingest every ``[[sources]]`` entry, listed whole (None: no sources).

    No listing is pruned by the last run's time: a file delivered late into an old day
    folder (a sync outage, a restored bucket) must still be read. Files read before with
    the same size and version are skipped without being opened.
    """
    if not settings.sources:
        return None
    sources = [source_for_settings(s) for s in settings.sources]
    listing = list_all(sources, DeliveryWindow())
    remote = max((s.max_concurrency for s in settings.sources if s.kind != "local"), default=0)
    return ingest_files(listing, store, settings.ingest, progress, remote)


def _database_file(store: EventStore) -> str:
    row = store.connection.execute("PRAGMA database_list").fetchone()
    return str(row[2] or "")


@contextlib.contextmanager
def _holding_lock(store: EventStore, runs: RunStore, warnings: list[str]) -> Iterator[None]:
    taken_over = runs.acquire_lock()
    if taken_over:
        warnings.append(taken_over)
    try:
        database = _database_file(store)
        if database and runs.token:
            with LockHeartbeat(database, runs.token, wall_clock):
                yield
        else:
            yield
    finally:
        runs.release_lock()


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
    warnings: list[str] = []
    with _holding_lock(store, runs, warnings):
        warnings += finish_publications(store)
        summary = ingest_configured_sources(store, settings, progress) if ingest else None
        kill_point("ingested")
        mark = runs.mark()
        to_arrival, to_problem = store.max_arrival(), store.max_problem_id()
        run_id = runs.start("nightly", mark, to_arrival, to_problem)
        try:
            result = _analyze_and_record(
                store, settings, clock, runs, run_id, (to_arrival, to_problem), out_dir, formats
            )
        except BaseException as exc:
            runs.fail(run_id, f"{type(exc).__name__}: {exc}")
            with contextlib.suppress(Exception):
                finish_publications(store, left_over=False)  # discards this run's files
            raise
        kill_point("recorded")
        result.warnings = warnings + finish_publications(store, left_over=False)
        result.ingest = summary
        return result


class _HistoryWithout(History):
    """The history of a nightly run, less the older events it judges again (retries):
    an event is never its own precedent."""

    def __init__(self, store: EventStore, up_to_arrival: int, excluded: frozenset[int]) -> None:
        super().__init__(store, up_to_arrival=up_to_arrival)
        self._excluded = excluded

    def events(self, *names: str) -> list[Event]:
        """Earlier events with these names, in event-time order, less the retried ones."""
        found = super().events(*names)
        if not self._excluded:
            return found
        return [e for e in found if e.arrival not in self._excluded]


def _retried_events(store: EventStore, event_ids: set[str], up_to_arrival: int) -> list[Event]:
    """Stored events with these ids that earlier runs covered (arrival up to the mark)."""
    found: list[Event] = []
    ids = sorted(event_ids)
    for start in range(0, len(ids), 500):
        chunk = ids[start : start + 500]
        rows = store.connection.execute(
            f"SELECT arrival, raw FROM events WHERE event_id IN ({','.join('?' * len(chunk))})"
            " AND arrival <= ? ORDER BY arrival",
            [*chunk, up_to_arrival],
        )
        for arrival, raw in rows:
            event = normalize_record(orjson.loads(raw), arrival=arrival)
            if isinstance(event, Event):
                found.append(event)
    return found


def _problems_between(store: EventStore, after: int, up_to: int) -> list[InputProblem]:
    """Input problems this run covers (those recorded while it runs are the next run's)."""
    rows = store.connection.execute(
        "SELECT location, record_index, reason, detected_at FROM input_problems"
        " WHERE id > ? AND id <= ? ORDER BY id",
        (after, up_to),
    )
    return [InputProblem(*row) for row in rows]


def next_retries(
    errors: Sequence[CheckError], earlier: Sequence[RetryRow], judged: Sequence[Event]
) -> tuple[list[RetryRow], list[RetryRow]]:
    """The events to judge again next run, and those given up after too many attempts.

    A window check that raised could not judge any event of the run: all are retried.
    """
    attempts = {(r.event_id, r.check_id): r.attempts for r in earlier}
    everything = sorted({e.event_id for e in judged})
    rows: dict[tuple[str, str], RetryRow] = {}
    for error in errors:
        for event_id in [error.event_id] if error.event_id is not None else everything:
            key = (event_id, error.check_id)
            if key not in rows:
                rows[key] = RetryRow(
                    event_id, error.check_id, attempts.get(key, 0) + 1, error.error
                )
    again = [r for r in rows.values() if r.attempts < MAX_CHECK_ATTEMPTS]
    given_up = [r for r in rows.values() if r.attempts >= MAX_CHECK_ATTEMPTS]
    return again, given_up


def _analyze_and_record(
    store: EventStore,
    settings: Settings,
    clock: Clock,
    runs: RunStore,
    run_id: int,
    upper: tuple[int, int],
    out_dir: Path,
    formats: Sequence[str],
) -> RunResult:
    mark = runs.mark()
    to_arrival, to_problem = upper
    earlier = runs.pending_retries()
    fresh = list(
        store.iter_events(EventQuery(after_arrival=mark.arrival, up_to_arrival=to_arrival))
    )
    retried = _retried_events(store, {r.event_id for r in earlier}, mark.arrival)
    judged = fresh + retried
    problems = _problems_between(store, mark.problem_id, to_problem)
    times = [e.time for e in judged]
    window = Window(min(times) if times else None, max(times) if times else None)
    excluded = frozenset(e.arrival for e in retried if e.arrival is not None)
    scope = Scope(
        kind="nightly",
        title=f"{settings.report.title}: changes since the last run",
        window=window,
        judged=judged,
        history=_HistoryWithout(store, mark.arrival, excluded),
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
        extra_stats={
            "run_id": run_id,
            "arrivals": [mark.arrival + 1, to_arrival],
            "retried_events": len(retried),
        },
    )
    again, given_up = next_retries(outcome.analysis.errors, earlier, judged)
    extra = check_error_reasons(
        outcome.analysis.errors,
        [(r.check_id, r.event_id, r.error) for r in given_up],
        MAX_CHECK_ATTEMPTS,
    )
    status, texts = merge_reasons(outcome.status, outcome.data.exit_statuses, extra)
    data = dataclasses.replace(outcome.data, exit_statuses=texts)
    outcome = dataclasses.replace(outcome, data=data, status=status)
    pruned = _save_snapshot(store, settings, outcome, times)
    kill_point("analyzed")
    template_dir = Path(settings.report.template_dir) if settings.report.template_dir else None
    paths = report_paths(out_dir, formats)
    texts_by_path = dict(
        zip(paths, render_reports(data, formats, template_dir).values(), strict=True)
    )
    stage_reports(store, run_id, out_dir, texts_by_path)
    counts = {
        "events": len(judged),
        "findings": dict(data.stats.get("findings_by_severity", {})),
        "headline": dict(data.headline),
        "problems": len(problems),
        "snapshots_pruned": pruned,
        "check_errors": len(outcome.analysis.errors),
    }
    runs.succeed(
        run_id, (window.since, window.until), counts, [str(p) for p in paths], data.findings, again
    )
    return RunResult(run_id, outcome, None, paths, status, list(texts))


def _save_snapshot(
    store: EventStore, settings: Settings, outcome: Outcome, times: Sequence[datetime]
) -> int:
    """Store the state after the judged events (a cache) and thin old ones; how many went.

    Done before the reports are staged: a failure here fails the run with nothing
    published and the mark unmoved.
    """
    after = outcome.analysis.state_after
    if not times or after is None:
        return 0
    # the analysis replayed every stored event up to the latest one it judged, so its
    # final state is state_at(latest): store it rather than replaying it again
    save_snapshot(store, after, max(times))
    if settings.store.daily_snapshots_days <= 0:
        return 0
    with store.transaction():
        return snapshots_of(store).prune(settings.store.daily_snapshots_days)
