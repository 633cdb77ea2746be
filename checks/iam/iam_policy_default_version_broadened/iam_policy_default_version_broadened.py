"""SetDefaultPolicyVersion made a more permissive version of a managed policy effective."""

from __future__ import annotations

from collections.abc import Iterable

from auditor.events import Event
from auditor.findings import Finding
from auditor.iam.permissions import managed_document
from auditor.policy.actions import action_delta
from auditor.rules.base import EventCheck, EventContext
from checks._lib.grants import attached_to

SHOWN = 50


class IamPolicyDefaultVersionBroadened(EventCheck):
    """Compares the allowed actions of the old and new default version (from the state)."""

    event_sources = frozenset({"iam.amazonaws.com"})
    event_names = frozenset({"SetDefaultPolicyVersion"})
    uses_state_before = True

    def check_event(self, event: Event, ctx: EventContext) -> Iterable[Finding]:
        """One finding when the new default allows actions the old one did not."""
        arn = str(event.param("policyArn") or "")
        before = managed_document(ctx.before, arn) if ctx.before is not None else None
        after = managed_document(ctx.after, arn)
        if not arn or before is None or after is None:
            return  # a version never seen: nothing to compare
        delta = action_delta([before], [after], ctx.run.catalog)
        if not delta.gained:
            return
        old = ctx.before.policies[arn].default_version if ctx.before else None
        yield self.finding(
            event=event,
            resource=arn,
            message=f"Default version of {arn} set to {event.param('versionId')}, which allows "
            f"{len(delta.gained)} more action(s).",
            details={
                "version_before": old,
                "version_after": event.param("versionId"),
                "actions_gained": list(delta.gained[:SHOWN]),
                "actions_gained_count": len(delta.gained),
                "actions_lost_count": len(delta.lost),
                "policy_before": before.to_dict(),
                "policy_after": after.to_dict(),
                "holders": list(attached_to(ctx.after, arn)),
            },
        )
