"""Bursts of denied IAM calls by one principal (probing what it may do, or enumerating)."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable

from auditor.events import Event
from auditor.findings import Finding
from auditor.rules.base import WindowCheck, WindowContext
from checks._lib.bursts import burst_settings, bursts, grouped

DENIED = ("AccessDenied", "UnauthorizedOperation", "Client.UnauthorizedOperation")
ENUMERATION = ("UpdateAssumeRolePolicy", "MalformedPolicyDocument")


def is_denied(event: Event) -> bool:
    """A denied IAM call, or a malformed trust update (principal enumeration)."""
    code = event.error_code or ""
    if event.source != "iam.amazonaws.com" or not event.failed:
        return False
    if event.name == ENUMERATION[0] and code.startswith(ENUMERATION[1]):
        return True
    return code.startswith(DENIED)


def caller(event: Event) -> str:
    """Who made the calls: the long-lived principal behind a session."""
    actor = event.actor
    return actor.principal_arn or actor.user_name or f"account {actor.account_id or 'unknown'}"


class IamChangeDeniedBurst(WindowCheck):
    """One finding per burst of denied IAM calls of one principal."""

    def check_window(self, ctx: WindowContext) -> Iterable[Finding]:
        """Bursts over ``[checks] failure_burst_threshold`` and ``failure_burst_minutes``."""
        threshold, span = burst_settings(ctx)
        denied = grouped((e for e in ctx.events if is_denied(e)), caller)
        for principal, events in denied.items():
            for burst in bursts(events, threshold, span):
                names = Counter(e.name for e in burst)
                listed = ", ".join(name for name, _ in names.most_common(5))
                yield self.finding(
                    event=burst[-1],
                    events=burst[:-1],
                    resource=principal,
                    message=f"{principal} had {len(burst)} IAM calls denied within "
                    f"{int(span.total_seconds() // 60)} minutes ({listed}).",
                    details={
                        "calls": dict(names.most_common()),
                        "error_codes": sorted({e.error_code or "" for e in burst}),
                        "first": burst[0].time.isoformat(),
                    },
                    key=(principal, burst[0].time.isoformat()),
                )
