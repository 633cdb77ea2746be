"""Analyze a set of stored events: replay around them, run the checks, build the report data."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from auditor.config import Settings
from auditor.engine import Analysis, analyze
from auditor.errors import ConfigError, ExitStatus
from auditor.events import Event
from auditor.findings import Change, Finding
from auditor.geo import open_country_lookup
from auditor.history import History
from auditor.iam.diff import compute_changes
from auditor.iam.history import replayed_events, state_at
from auditor.iam.state import IamState
from auditor.policy.actions import load_action_catalog
from auditor.rules.base import RunContext
from auditor.rules.catalog import load_catalog
from auditor.store.event_store import EventStore, InputProblem
from auditor.timeutil import Clock
from auditor.workflow.outcome import exit_reasons, exit_status
from auditor.workflow.summaries import (
    assumption_summaries,
    headline,
    severity_counts,
    sign_in_summaries,
)
from reports.model import ReportData, TrendPoint, Window

TICK = timedelta(microseconds=1)


@dataclass
class Scope:
    """What to analyze: the events to judge, their history, and how to present it."""

    kind: str
    title: str
    window: Window
    judged: list[Event]
    history: History
    problems: list[InputProblem] = field(default_factory=list)
    only_changes_of_judged: bool = False
    judged_is_everything: bool = False


@dataclass
class Outcome:
    """The analysis, the report data built from it, and the exit status it calls for."""

    analysis: Analysis
    data: ReportData
    status: ExitStatus = ExitStatus.OK


def _context_events(store: EventStore, judged: Sequence[Event], start: datetime) -> list[Event]:
    """The judged events plus every stored replayed event between them (for the state)."""
    if not judged:
        return []
    end = max(e.time for e in judged)
    by_id = {e.event_id: e for e in replayed_events(store, start, end)}
    by_id.update({e.event_id: e for e in judged})
    return list(by_id.values())


def _changes(
    settings: Settings, judged_ids: frozenset[str] | None, events: Sequence[Event]
) -> Callable[[IamState, IamState], Sequence[Change]]:
    organization = settings.organization
    cache: dict[tuple[int, int], Sequence[Change]] = {}

    def build(before: IamState, after: IamState) -> Sequence[Change]:
        key = (id(before), id(after))
        if key not in cache:
            cache[key] = select(before, after)
        return cache[key]

    def select(before: IamState, after: IamState) -> Sequence[Change]:
        found = compute_changes(
            before,
            after,
            events,
            org_accounts=frozenset(organization.accounts),
            known_accounts=organization.known_accounts,
        )
        if judged_ids is None:
            return found
        return [c for c in found if judged_ids.intersection(c.event_ids)]

    return build


def mark_statuses(findings: Sequence[Finding], recurring: set[str]) -> list[Finding]:
    """Set ``recurring`` on findings seen before (suppressed ones stay suppressed)."""
    return [
        dataclasses.replace(f, status="recurring")
        if f.fingerprint in recurring and f.status == "new"
        else f
        for f in findings
    ]


def analyze_scope(
    store: EventStore,
    settings: Settings,
    scope: Scope,
    clock: Clock,
    trends: Sequence[TrendPoint] = (),
    recurring: Callable[[Sequence[Finding]], set[str]] | None = None,
    extra_stats: Mapping[str, object] | None = None,
) -> Outcome:
    """Judge the scope's events and build the report data (the clock only dates it)."""
    catalog = load_catalog(settings.checks)
    if catalog.problems:
        listing = "; ".join(str(p) for p in catalog.problems[:5])
        raise ConfigError(f"{len(catalog.problems)} rule problem(s): {listing}")
    judged = sorted(scope.judged, key=lambda e: (e.time, e.event_id))
    start = (judged[0].time if judged else (scope.window.since or clock())) - TICK
    state_before = state_at(store, start)
    context = judged if scope.judged_is_everything else _context_events(store, judged, start)
    judged_ids = frozenset(e.event_id for e in judged)
    geo = open_country_lookup(settings.geo.database)
    run = RunContext(settings, scope.history, geo)
    selected = judged_ids if scope.only_changes_of_judged else None
    changes_of = _changes(settings, selected, context)
    analysis = analyze(
        context,
        state_before,
        catalog,
        run,
        clock(),  # an instant: a date-time suppression expiry is then exact
        compute_changes=changes_of,
        checked_ids=judged_ids,
    )
    findings = analysis.findings
    if recurring is not None:
        findings = mark_statuses(findings, recurring(findings))
        analysis.findings = findings
    after = analysis.state_after or state_before
    changes = changes_of(state_before, after)
    stats: dict[str, object] = {
        "events_analyzed": len(judged),
        "accounts": sorted({e.account_id for e in judged}),
        "regions": sorted({e.region for e in judged}),
        "checks_run": analysis.checks_run,
        "checks_disabled": sorted(catalog.disabled),
        "findings_by_severity": severity_counts(findings),
        "suppressed": sum(1 for f in findings if f.status == "suppressed"),
        "recurring": sum(1 for f in findings if f.status == "recurring"),
        "check_errors": [
            {"check_id": e.check_id, "event_id": e.event_id, "error": e.error}
            for e in analysis.errors
        ],
        "expired_suppressions": [
            {"check": s.check, "resource": s.resource, "reason": s.reason, "expires": s.expires}
            for s in analysis.expired_suppressions
        ],
        "replay_anomalies": len(after.anomalies) - len(state_before.anomalies),
        **(extra_stats or {}),
    }
    data = ReportData(
        kind=scope.kind,
        title=scope.title,
        generated_at=clock(),
        window=scope.window,
        findings=tuple(findings),
        changes=tuple(changes),
        input_problems=tuple(scope.problems),
        sign_ins=sign_in_summaries(judged, geo),
        assumptions=assumption_summaries(judged, settings.organization.accounts),
        trends=tuple(trends),
        headline=headline(findings, judged, settings.automation),
        stats=stats,
        action_data_source=str(load_action_catalog().source),
    )
    reasons = exit_reasons(findings, scope.problems, settings.report.fail_on)
    data = dataclasses.replace(data, exit_statuses=tuple(text for _, text in reasons))
    return Outcome(analysis, data, exit_status(reasons))
