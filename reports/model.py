"""What a report is made of: the data every renderer receives, already computed."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from auditor.findings import Change, Finding
from auditor.store.event_store import InputProblem

KINDS = ("nightly", "window", "weekly", "diff")
HEADLINE_KEYS = (
    "new_admin_principals",
    "new_external_trusts",
    "new_public_trusts",
    "risky_policy_changes",
    "console_logins_without_mfa",
    "changes_outside_iac",
)


@dataclass(frozen=True)
class Window:
    """The span of time a report covers; ``None`` is open-ended."""

    since: datetime | None
    until: datetime | None


@dataclass(frozen=True)
class SignInSummary:
    """Console sign-ins of one principal in one account over the window."""

    principal: str
    account_id: str
    successes: int
    failures: int
    without_mfa: int
    countries: tuple[str, ...]
    source_ips: tuple[str, ...]


@dataclass(frozen=True)
class AssumptionSummary:
    """How often one caller assumed one role over the window."""

    caller: str
    role_arn: str
    count: int
    first: datetime
    last: datetime
    cross_account: bool


@dataclass(frozen=True)
class TrendPoint:
    """One earlier period (e.g. ``2026-W46``) and its counts."""

    label: str
    counts: Mapping[str, int]


@dataclass(frozen=True)
class ReportData:
    """Everything one report shows; renderers only format it (no clock, no I/O)."""

    kind: str
    title: str
    generated_at: datetime
    window: Window
    findings: tuple[Finding, ...]
    changes: tuple[Change, ...]
    input_problems: tuple[InputProblem, ...]
    sign_ins: tuple[SignInSummary, ...] = ()
    assumptions: tuple[AssumptionSummary, ...] = ()
    trends: tuple[TrendPoint, ...] = ()
    headline: Mapping[str, int] = field(default_factory=dict)
    stats: Mapping[str, Any] = field(default_factory=dict)
    action_data_source: str = ""
    exit_statuses: tuple[str, ...] = ()
