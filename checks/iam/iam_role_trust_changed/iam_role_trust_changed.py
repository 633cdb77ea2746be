"""Any change to an existing role's trust policy, with the principals gained and lost."""

from __future__ import annotations

from collections.abc import Iterable

from auditor.events import Event
from auditor.findings import Finding, Severity
from auditor.rules.base import EventCheck, EventContext
from checks._lib.trust import trust_change


class IamRoleTrustChanged(EventCheck):
    """Low when principals were gained or weakened, info otherwise (removals, tightening)."""

    event_sources = frozenset({"iam.amazonaws.com"})
    event_names = frozenset({"UpdateAssumeRolePolicy"})
    uses_state_before = True

    def check_event(self, event: Event, ctx: EventContext) -> Iterable[Finding]:
        """One finding per trust policy update."""
        change = trust_change(event, ctx)
        if change is None:
            return
        opened = change.gained or change.weakened
        gained = ", ".join(sorted({p.principal for p in change.gained})) or "no new principal"
        yield self.finding(
            event=event,
            resource=change.role_arn,
            message=f"Trust policy of {change.role_arn} changed ({gained} gained, "
            f"{len(change.lost)} lost).",
            severity=None if opened else Severity.INFO,
            details=change.details(),
        )
