"""Administrator-equivalent access granted by a policy write, a default version or an attachment."""

from __future__ import annotations

from collections.abc import Iterable

from auditor.events import Event
from auditor.findings import Finding
from auditor.policy.risk import is_admin_equivalent
from auditor.rules.base import EventCheck, EventContext
from checks._lib.grants import GRANT_EVENTS, granted


class IamPolicyAdminGranted(EventCheck):
    """Flags admin-equivalent documents written inline, made default, or attached."""

    event_sources = frozenset({"iam.amazonaws.com"})
    event_names = GRANT_EVENTS

    def check_event(self, event: Event, ctx: EventContext) -> Iterable[Finding]:
        """One finding per admin-equivalent grant."""
        grant = granted(event, ctx.after)
        if grant is None or not is_admin_equivalent(grant.document, ctx.run.catalog):
            return
        yield self.finding(
            event=event,
            resource=grant.target,
            message=f"{event.actor.label} granted administrator-equivalent access "
            f"({grant.policy}) to {grant.target}.",
            details={
                "policy_after": grant.document.to_dict(),
                "granted_to": grant.target,
                "holders": list(grant.holders),
            },
        )
