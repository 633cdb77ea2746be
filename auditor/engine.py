"""The engine: run every check over the events under analysis, in event-time order.

Event checks see each event with the IAM state after it (and, when they ask, a copy
of the state before it); window checks then see everything at once. A check that
raises becomes a ``CheckError`` and the run goes on. Findings then get the configured
severity, the noise policy, countries, suppressions, and a stable order.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date
from functools import partial

from auditor.automation import OriginJudge, iac_hint
from auditor.config import Suppression
from auditor.events import Event
from auditor.findings import Change, Finding, Severity
from auditor.iam.replay import apply_events, event_order, is_replayed
from auditor.iam.state import IamState
from auditor.rules.base import Check, EventCheck, EventContext, RunContext, WindowContext
from auditor.rules.catalog import Catalog
from auditor.suppress import apply_suppressions

NOISE_STEPS = 2


@dataclass(frozen=True, slots=True)
class CheckError:
    """A check that raised, on which event, and the error."""

    check_id: str
    event_id: str | None
    error: str


@dataclass
class Analysis:
    """What the engine found, and what went wrong while looking."""

    findings: list[Finding] = field(default_factory=list)
    errors: list[CheckError] = field(default_factory=list)
    expired_suppressions: list[Suppression] = field(default_factory=list)
    checks_run: int = 0
    events_analyzed: int = 0
    state_after: IamState | None = None


class _CheckIndex:
    """The event checks that apply to each (source, name, failed), computed once per kind."""

    def __init__(self, checks: list[EventCheck]) -> None:
        self.plain = [c for c in checks if type(c).applies_to is EventCheck.applies_to]
        self.custom = [c for c in checks if type(c).applies_to is not EventCheck.applies_to]
        self.cache: dict[tuple[str, str, bool], list[EventCheck]] = {}

    def relevant(self, event: Event) -> list[EventCheck]:
        key = (event.source, event.name, event.failed)
        if key not in self.cache:
            self.cache[key] = [c for c in self.plain if c.applies_to(event)]
        custom = [c for c in self.custom if c.applies_to(event)]
        return self.cache[key] + custom if custom else self.cache[key]


def _collect(
    check: Check, produce: Callable[[], Iterable[Finding]], event: Event | None, analysis: Analysis
) -> list[Finding]:
    try:
        return list(produce())
    except Exception as exc:  # any failure of one check is reported, never fatal
        error = f"{type(exc).__name__}: {exc}"
        analysis.errors.append(CheckError(check.check_id, event.event_id if event else None, error))
        return []


def _lower(severity: Severity, steps: int) -> Severity:
    levels = list(Severity)
    return levels[max(0, severity.rank - steps)]


def _quiet_automation(
    finding: Finding, event: Event | None, run: RunContext, judge: OriginJudge, keep: frozenset[str]
) -> Finding:
    """Record who made the call; lower automation's findings unless the rule opts out.

    Only an origin proven by a signal the caller cannot forge lowers (``OriginJudge``);
    a user agent naming an IaC tool is kept as a hint in the details.
    """
    if event is None:
        return finding
    origin = judge.origin(event)
    details = {**finding.details, "origin": origin.kind, "origin_signal": origin.signal}
    hint = iac_hint(event)
    if hint is not None and not origin.is_automation:
        details["user_agent_hint"] = f"{hint} (user agent, not trusted)"
    lowers = origin.is_automation and run.settings.checks.quiet_service_callers
    if not lowers or finding.check_id in keep:
        return dataclasses.replace(finding, details=details)
    details["automation"] = origin.reason
    lowered = _lower(finding.severity, NOISE_STEPS)
    if lowered != finding.severity:
        details["severity_lowered_from"] = finding.severity.value
    return dataclasses.replace(finding, severity=lowered, details=details)


def _with_country(finding: Finding, run: RunContext) -> Finding:
    if finding.actor.country or not finding.actor.source_ip:
        return finding
    country = run.geo.country(finding.actor.source_ip)
    if country is None:
        return finding
    return dataclasses.replace(finding, actor=dataclasses.replace(finding.actor, country=country))


def analyze(
    events: Sequence[Event],
    state_before: IamState,
    catalog: Catalog,
    run: RunContext,
    today: date,
    compute_changes: Callable[[IamState, IamState], Sequence[Change]] | None = None,
    checked_ids: frozenset[str] | None = None,
) -> Analysis:
    """Run the catalog's checks over ``events`` starting from ``state_before`` (not modified).

    With ``checked_ids``, every event is replayed (so the state is right) but only those
    events are judged: a nightly run re-reads older neighbours of late-arriving events.
    """
    analysis = Analysis(checks_run=len(catalog.checks))
    ordered = sorted(events, key=event_order)
    judged = [e for e in ordered if checked_ids is None or e.event_id in checked_ids]
    analysis.events_analyzed = len(judged)
    state = state_before.copy()
    by_event: dict[str, Event] = {}
    raw: list[tuple[Finding, Event | None]] = []
    index = _CheckIndex(catalog.event_checks())
    for event in ordered:
        by_event[event.event_id] = event
        wanted = checked_ids is None or event.event_id in checked_ids
        relevant = index.relevant(event) if wanted else []
        wants_before = any(c.uses_state_before for c in relevant) and is_replayed(event)
        before = state.copy() if wants_before else None
        apply_events(state, [event])
        context = EventContext(run=run, after=state, before=before)
        for check in relevant:
            found = _collect(check, partial(check.check_event, event, context), event, analysis)
            raw += [(f, event) for f in found]
    analysis.state_after = state

    def changes() -> Sequence[Change]:
        return compute_changes(state_before, state) if compute_changes else ()

    window = WindowContext(run, judged, state_before, state, changes)
    for window_check in catalog.window_checks():
        produce = partial(window_check.check_window, window)
        found = _collect(window_check, produce, None, analysis)
        raw += [(f, by_event.get(f.event_ids[-1]) if f.event_ids else None) for f in found]
    unique: dict[str, Finding] = {}
    overrides = run.settings.checks.severity
    judge = OriginJudge(run.settings.automation, state, ordered)
    keep = catalog.never_lowered()
    for found_finding, cause in raw:
        if found_finding.check_id in overrides:
            severity = Severity(overrides[found_finding.check_id])
            adjusted = dataclasses.replace(found_finding, severity=severity)
        else:
            adjusted = _quiet_automation(found_finding, cause, run, judge, keep)
        adjusted = _with_country(adjusted, run)
        unique.setdefault(adjusted.fingerprint, adjusted)
    findings, expired = apply_suppressions(list(unique.values()), run.settings.suppress, today)
    analysis.findings = sorted(findings, key=lambda f: f.sort_key)
    analysis.expired_suppressions = expired
    return analysis
