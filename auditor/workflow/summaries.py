"""Summaries of the analyzed events: sign-ins, role assumptions, the week in numbers."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from datetime import datetime

from auditor.automation import automation_origin, iac_tool
from auditor.config import AutomationSettings
from auditor.events import Event
from auditor.findings import Finding, Severity
from auditor.geo import CountryLookup
from auditor.iam.replay import is_replayed
from auditor.principals import (
    assumed_role,
    console_login_succeeded,
    is_console_login,
    sign_in_principal,
)
from reports.model import AssumptionSummary, SignInSummary

HEADLINE_CATEGORIES = {
    "new_admin_principals": ("admin-access-granted",),
    "new_external_trusts": ("external-trust", "federated-trust-unconstrained"),
    "new_public_trusts": ("public-trust",),
    "risky_policy_changes": (
        "admin-access-granted",
        "privilege-escalation",
        "data-exfiltration",
        "credentials-exposure",
        "resource-exposure",
    ),
    "console_logins_without_mfa": ("console-login-without-mfa",),
}


def sign_in_summaries(events: Iterable[Event], geo: CountryLookup) -> tuple[SignInSummary, ...]:
    """Console sign-ins per principal and account."""
    groups: dict[tuple[str, str], list[Event]] = defaultdict(list)
    for event in events:
        if is_console_login(event):
            principal = sign_in_principal(event) or f"unknown user in {event.account_id}"
            groups[(principal, event.account_id)].append(event)
    summaries = []
    for (principal, account), found in sorted(groups.items()):
        ok = [e for e in found if console_login_succeeded(e)]
        no_mfa = [e for e in ok if str((e.additional or {}).get("MFAUsed", "")).lower() == "no"]
        countries = {c for e in found if (c := geo.country(e.source_ip))}
        summaries.append(
            SignInSummary(
                principal=principal,
                account_id=account,
                successes=len(ok),
                failures=len(found) - len(ok),
                without_mfa=len(no_mfa),
                countries=tuple(sorted(countries)),
                source_ips=tuple(sorted({e.source_ip for e in found if e.source_ip})),
            )
        )
    return tuple(summaries)


def assumption_summaries(
    events: Iterable[Event], org_accounts: Sequence[str]
) -> tuple[AssumptionSummary, ...]:
    """Role assumptions per caller and role (AWS services left out)."""
    seen: dict[tuple[str, str], list[datetime]] = defaultdict(list)
    for event in events:
        pair = assumed_role(event)
        if pair is not None:
            seen[pair].append(event.time)
    summaries = []
    for (caller, role), times in sorted(seen.items()):
        caller_account = caller.split(":")[4] if caller.startswith("arn:") else ""
        role_account = role.split(":")[4] if role.count(":") >= 4 else ""
        outside = bool(caller_account) and caller_account != role_account
        summaries.append(
            AssumptionSummary(
                caller=caller,
                role_arn=role,
                count=len(times),
                first=min(times),
                last=max(times),
                cross_account=outside and caller_account not in org_accounts,
            )
        )
    return tuple(summaries)


def changes_outside_iac(
    events: Iterable[Event], automation: Sequence[AutomationSettings] = ()
) -> int:
    """Successful IAM mutations made by hand: not IaC (CloudFormation or a declared
    ``[[automation]]`` principal; never a user agent alone), not AWS-managed automation."""
    return sum(
        1
        for e in events
        if not e.failed
        and is_replayed(e)
        and e.source == "iam.amazonaws.com"
        and iac_tool(e, automation) is None
        and automation_origin(e) is None
    )


def headline(
    findings: Sequence[Finding],
    events: Sequence[Event],
    automation: Sequence[AutomationSettings] = (),
) -> dict[str, int]:
    """The week in numbers (suppressed findings left out)."""
    active = [f for f in findings if f.status != "suppressed"]
    counts = {
        key: sum(1 for f in active if f.category in categories)
        for key, categories in HEADLINE_CATEGORIES.items()
    }
    counts["changes_outside_iac"] = changes_outside_iac(events, automation)
    return counts


def severity_counts(findings: Sequence[Finding]) -> dict[str, int]:
    """Active findings per severity (every severity present, zeros included)."""
    counts = {s.value: 0 for s in Severity}
    for finding in findings:
        if finding.status != "suppressed":
            counts[finding.severity.value] += 1
    return counts
