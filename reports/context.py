"""The whole report arranged for the templates: one frozen view built from ``ReportData``."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from auditor.findings import Finding
from auditor.store.event_store import InputProblem
from auditor.timeutil import format_instant
from reports.model import (
    HEADLINE_KEYS,
    AssumptionSummary,
    ReportData,
    SignInSummary,
    TrendPoint,
    Window,
)
from reports.view import (
    SEVERITIES,
    EntityGroup,
    FindingRow,
    Limits,
    SeveritySection,
    entity_groups,
    finding_row,
    severity_counts,
    severity_sections,
    sorted_findings,
    time_text,
    value_text,
)

HEADLINE_LABELS = {
    "new_admin_principals": "New admin-equivalent principals",
    "new_external_trusts": "New trusts to outside accounts",
    "new_public_trusts": "New public trusts",
    "risky_policy_changes": "Risky policy changes",
    "console_logins_without_mfa": "Console sign-ins without MFA",
    "changes_outside_iac": "Changes made outside infrastructure-as-code",
}
TOP_RISKS = 5


@dataclass(frozen=True)
class Listing:
    """Rows of a long list, capped, with how many were left out."""

    rows: tuple[Any, ...]
    omitted: int


@dataclass(frozen=True)
class ReportView:
    """What the templates see."""

    data: ReportData
    generated_at: str
    since: str
    until: str
    counts: Mapping[str, int]
    total: int
    new: int
    recurring: int
    sections: tuple[SeveritySection, ...]
    suppressed: Listing
    suppressed_count: int
    changes: tuple[EntityGroup, ...]
    change_count: int
    analyzed: bool  # the window's events were judged (findings, activity); a diff's were not
    no_events: bool  # an analyzed window that held no event: quiet, or not delivered?
    window_options: str  # ``--since T --until T`` for commands about the same window
    sign_ins: Listing
    assumptions: Listing
    problems: Listing
    stats: tuple[tuple[str, str], ...]
    headline: tuple[tuple[str, int], ...]
    top_risks: tuple[str, ...]
    trend_keys: tuple[str, ...]
    trends: tuple[TrendPoint, ...]


def _listing(rows: list[Any], cap: int) -> Listing:
    return Listing(tuple(rows[:cap]), max(0, len(rows) - cap))


def problem_key(problem: InputProblem) -> tuple[str, int, str]:
    """Problems sort by location, then record index (file-level first), then reason."""
    index = -1 if problem.record_index is None else problem.record_index
    return (problem.location, index, problem.reason)


def sign_in_key(item: SignInSummary) -> tuple[int, int, str, str]:
    """Sign-ins without MFA first, then failures, then account and principal."""
    return (-item.without_mfa, -item.failures, item.account_id, item.principal)


def assumption_key(item: AssumptionSummary) -> tuple[bool, str, str]:
    """Cross-account assumptions first, then role and caller."""
    return (not item.cross_account, item.role_arn, item.caller)


def risk_sentence(finding: Finding) -> str:
    """A top risk in plain words: what happened, who, from where and when."""
    actor = finding.actor
    message = finding.message.rstrip(".")
    parts = [f"{finding.severity.value.capitalize()}: {message}"]
    if actor.arn and actor.arn not in message:
        parts.append(f"by {actor.arn}")
    if actor.source_ip and actor.source_ip not in message:
        parts.append(f"from {actor.source_ip}")
    if actor.country:
        parts.append(f"({actor.country})")
    parts.append(f"at {format_instant(finding.time)}")
    return " ".join(parts) + "."


def headline_items(headline: Mapping[str, int]) -> tuple[tuple[str, int], ...]:
    """The week in numbers: the known metrics in their order, then any others sorted."""
    known = [(HEADLINE_LABELS[key], headline[key]) for key in HEADLINE_KEYS if key in headline]
    others = [
        (key.replace("_", " ").capitalize(), headline[key])
        for key in sorted(headline)
        if key not in HEADLINE_LABELS
    ]
    return tuple(known + others)


def trend_keys(trends: tuple[TrendPoint, ...]) -> tuple[str, ...]:
    """The series of the trends: severities in order, then other keys sorted."""
    present = {key for point in trends for key in point.counts}
    ordered = [severity for severity in SEVERITIES if severity in present]
    return tuple(ordered + sorted(present - set(SEVERITIES)))


def window_options(window: Window) -> str:
    """The command-line options that name this window (an open end is left out)."""
    options = []
    if window.since is not None:
        options.append(f"--since {format_instant(window.since)}")
    if window.until is not None:
        options.append(f"--until {format_instant(window.until)}")
    return " ".join(options)


def build_view(data: ReportData, limits: Limits) -> ReportView:
    """Arrange ``data`` for the templates (pure; everything sorted)."""
    ordered = sorted_findings(data.findings)
    active = [finding for finding in ordered if finding.status != "suppressed"]
    suppressed: list[FindingRow] = [
        finding_row(finding, limits.field_chars)
        for finding in ordered
        if finding.status == "suppressed"
    ]
    top = [finding for finding in active if finding.severity.rank >= 3][:TOP_RISKS]
    trends = tuple(sorted(data.trends, key=lambda point: point.label))
    return ReportView(
        data=data,
        generated_at=format_instant(data.generated_at),
        since=time_text(data.window.since, "the beginning"),
        until=time_text(data.window.until, "now"),
        counts=severity_counts(active),
        total=len(active),
        new=sum(1 for finding in active if finding.status == "new"),
        recurring=sum(1 for finding in active if finding.status == "recurring"),
        sections=severity_sections(active, limits),
        suppressed=_listing(suppressed, limits.rows),
        suppressed_count=len(suppressed),
        changes=entity_groups(data.changes, limits),
        change_count=len(data.changes),
        analyzed=data.kind != "diff",
        no_events=data.stats.get("events_analyzed") == 0,  # a diff analyzes no events
        window_options=window_options(data.window),
        sign_ins=_listing(sorted(data.sign_ins, key=sign_in_key), limits.rows),
        assumptions=_listing(sorted(data.assumptions, key=assumption_key), limits.rows),
        problems=_listing(sorted(data.input_problems, key=problem_key), limits.rows),
        stats=tuple((str(key), value_text(data.stats[key])) for key in sorted(data.stats, key=str)),
        headline=headline_items(data.headline),
        top_risks=tuple(risk_sentence(finding) for finding in top),
        trend_keys=trend_keys(trends),
        trends=trends,
    )
