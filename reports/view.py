"""Findings and changes arranged for display: grouped, capped and formatted once."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import orjson
from markupsafe import escape

from auditor.findings import ActorInfo, Change, Finding
from auditor.safe_json import dumps
from auditor.timeutil import format_instant
from auditor.untrusted_text import capped
from reports.documents import DocumentView, document_views, string_list

SEVERITIES = ("critical", "high", "medium", "low", "info")
GAINED_KEYS = (
    ("actions_gained", "Actions gained", "gained"),
    ("actions_lost", "Actions lost", "lost"),
    ("principals_gained", "Principals gained", "gained"),
    ("principals_lost", "Principals lost", "lost"),
)
SHOWN_KEYS = frozenset({"policy_before", "policy_after", *(key for key, _, _ in GAINED_KEYS)})
MAX_VALUE_CHARS = 2000
MAX_LIST_ITEMS = 200


def escaped_len(text: str | None) -> int:
    """The length of ``text`` once escaped for HTML (Markdown escaping is no longer)."""
    return len(escape(text)) if text else 0


@dataclass(frozen=True)
class Limits:
    """How much of a long list is shown in full, compactly, or only counted."""

    full_per_severity: int = 200
    compact_total: int = 3000
    changes_per_entity: int = 100
    rows: int = 500
    finding_chars: int = 3_000_000
    change_chars: int = 1_500_000
    field_chars: int = 160


class Budget:
    """Roughly how many characters of full detail a list may still use."""

    def __init__(self, chars: int) -> None:
        self.left = chars

    def spend(self, cost: int) -> bool:
        """Take ``cost`` if it fits; ``False`` once the budget is spent."""
        if cost > self.left:
            self.left = 0
            return False
        self.left -= cost
        return True


@dataclass(frozen=True)
class EntryList:
    """A list of values (e.g. actions gained) with a label and its mark."""

    label: str
    mark: str
    items: tuple[str, ...]
    omitted: int


@dataclass(frozen=True)
class Evidence:
    """What the details of a finding or change hold, ready to show."""

    documents: tuple[DocumentView, ...]
    entries: tuple[EntryList, ...]
    other: tuple[tuple[str, str], ...]

    @property
    def cost(self) -> int:
        """An estimate of the characters it takes to render."""
        lines = sum(escaped_len(line.text) + 24 for doc in self.documents for line in doc.lines)
        items = sum(escaped_len(item) + 20 for entry in self.entries for item in entry.items)
        other = sum(escaped_len(key) + escaped_len(value) + 40 for key, value in self.other)
        return lines + items + other

    @property
    def empty(self) -> bool:
        """Whether there is nothing to show."""
        return not (self.documents or self.entries or self.other)


NO_EVIDENCE = Evidence((), (), ())


@dataclass(frozen=True)
class FindingView:
    """One finding in full."""

    finding: Finding
    severity: str
    time: str
    actor: ActorInfo
    evidence: Evidence


@dataclass(frozen=True)
class FindingRow:
    """One finding as a compact table row."""

    severity: str
    time: str
    check_id: str
    resource: str
    actor_arn: str | None
    status: str
    message: str


@dataclass(frozen=True)
class SeveritySection:
    """The findings of one severity: the first in full, then compact rows, then a count."""

    severity: str
    count: int
    full: tuple[FindingView, ...]
    compact: tuple[FindingRow, ...]
    omitted: int


@dataclass(frozen=True)
class ChangeView:
    """One IAM change."""

    change: Change
    time: str
    evidence: Evidence
    evidence_omitted: bool = False


@dataclass(frozen=True)
class EntityGroup:
    """The changes to one entity type."""

    entity: str
    count: int
    kinds: tuple[tuple[str, int], ...]
    shown: tuple[ChangeView, ...]
    omitted: int


def time_text(moment: datetime | None, empty: str = "open") -> str:
    """A canonical instant, or ``empty`` for none."""
    return format_instant(moment) if moment is not None else empty


def _default(value: Any) -> Any:
    if isinstance(value, set | frozenset):
        return sorted(str(item) for item in value)
    if isinstance(value, datetime):
        return format_instant(value)
    return str(value)


def value_text(value: Any) -> str:
    """A details or stats value as one line of text (JSON for structures), capped."""
    if isinstance(value, str):
        text = value
    elif isinstance(value, bool) or value is None:
        text = orjson.dumps(value).decode()
    elif isinstance(value, int | float):
        text = str(value)
    else:
        text = dumps(value, option=orjson.OPT_SORT_KEYS | orjson.OPT_NON_STR_KEYS, default=_default)
    return capped(text, MAX_VALUE_CHARS)


def evidence_of(details: Mapping[str, Any]) -> Evidence:
    """Documents with marks, gained/lost lists, and every other key as text."""
    plain = dict(details)
    entries = []
    for key, label, mark in GAINED_KEYS:
        items = string_list(plain.get(key))
        if items:
            shown = tuple(items[:MAX_LIST_ITEMS])
            entries.append(EntryList(label, mark, shown, len(items) - len(shown)))
    other = tuple(
        (str(key), value_text(plain[key]))
        for key in sorted(plain, key=str)
        if key not in SHOWN_KEYS
    )
    return Evidence(document_views(plain), tuple(entries), other)


def finding_view(finding: Finding) -> FindingView:
    """A finding in full."""
    return FindingView(
        finding,
        finding.severity.value,
        format_instant(finding.time),
        finding.actor,
        evidence_of(finding.details),
    )


def cut(text: str | None, limit: int) -> str | None:
    """``text`` cut to ``limit`` characters (fewer if it escapes long), with an ellipsis."""
    if text is None or len(text) <= limit // 4:
        return text
    if len(text) > limit:
        text = text[: limit - 1] + "…"
    if escaped_len(text) > 2 * limit:
        text = text[: limit // 4] + "…"
    return text


def finding_row(finding: Finding, limit: int = 160) -> FindingRow:
    """A finding as a compact row, long fields cut to ``limit`` characters."""
    return FindingRow(
        finding.severity.value,
        format_instant(finding.time),
        cut(finding.check_id, limit) or "",
        cut(finding.resource, limit) or "",
        cut(finding.actor.arn, limit),
        finding.status,
        cut(finding.message, limit) or "",
    )


def finding_cost(view: FindingView) -> int:
    """An estimate of the characters a finding in full takes to render."""
    finding, actor = view.finding, view.actor
    texts = (finding.title, finding.message, finding.resource, *finding.event_ids)
    fields = (actor.arn, actor.session_name, actor.user_agent, actor.source_ip)
    size = sum(escaped_len(text) for text in (*texts, *fields))
    return 1500 + size + view.evidence.cost


def sorted_findings(findings: Iterable[Finding]) -> list[Finding]:
    """Most severe first, then time, check, resource (``Finding.sort_key``)."""
    return sorted(findings, key=lambda finding: finding.sort_key)


def severity_counts(findings: Sequence[Finding]) -> dict[str, int]:
    """Counts per severity, every severity present, most severe first."""
    counts = Counter(finding.severity.value for finding in findings)
    return {severity: counts.get(severity, 0) for severity in SEVERITIES}


def severity_sections(findings: Sequence[Finding], limits: Limits) -> tuple[SeveritySection, ...]:
    """Sorted active findings split per severity, capped per ``limits``."""
    by_severity: dict[str, list[Finding]] = {severity: [] for severity in SEVERITIES}
    for finding in findings:
        by_severity[finding.severity.value].append(finding)
    sections = []
    budget, rows_left = Budget(limits.finding_chars), limits.compact_total
    for severity in SEVERITIES:
        group = by_severity[severity]
        if not group:
            continue
        full: list[FindingView] = []
        for finding in group[: limits.full_per_severity]:
            view = finding_view(finding)
            if not budget.spend(finding_cost(view)):
                break
            full.append(view)
        rest = group[len(full) :]
        compact = rest[:rows_left]
        rows_left -= len(compact)
        sections.append(
            SeveritySection(
                severity,
                len(group),
                tuple(full),
                tuple(finding_row(finding, limits.field_chars) for finding in compact),
                len(rest) - len(compact),
            )
        )
    return tuple(sections)


def change_view(change: Change, budget: Budget) -> ChangeView:
    """One change with its evidence, unless the budget for evidence is spent."""
    evidence = evidence_of(change.details)
    if evidence.empty or budget.spend(evidence.cost):
        return ChangeView(change, format_instant(change.time), evidence)
    return ChangeView(change, format_instant(change.time), NO_EVIDENCE, evidence_omitted=True)


def entity_groups(changes: Iterable[Change], limits: Limits) -> tuple[EntityGroup, ...]:
    """Changes grouped by entity type (sorted), at most ``changes_per_entity`` shown each."""
    grouped: dict[str, list[Change]] = {}
    for change in sorted(changes, key=lambda change: change.sort_key):
        grouped.setdefault(change.entity, []).append(change)
    groups, budget = [], Budget(limits.change_chars)
    for entity in sorted(grouped):
        members = grouped[entity]
        kinds = Counter(change.kind for change in members)
        shown = members[: limits.changes_per_entity]
        groups.append(
            EntityGroup(
                entity,
                len(members),
                tuple(sorted(kinds.items())),
                tuple(change_view(change, budget) for change in shown),
                len(members) - len(shown),
            )
        )
    return tuple(groups)
