"""AWS quarantined a user's access key: its compromised-key policy appeared on the user."""

from __future__ import annotations

from collections.abc import Iterable

from auditor.events import Event
from auditor.findings import Finding
from auditor.policy.managed import QUARANTINE_POLICY_NAMES
from auditor.rules.base import EventCheck, EventContext
from checks._lib.grants import principal_arn

EXPOSED_INLINE = "AWSExposedCredentialPolicy_DO_NOT_REMOVE"


def quarantine_policy(event: Event) -> str | None:
    """The quarantine policy an AttachUserPolicy or PutUserPolicy applied, if any.

    AWS attaches the managed policy, or writes it inline under its own name or as
    ``AWSExposedCredentialPolicy_DO_NOT_REMOVE``.
    """
    if event.name == "AttachUserPolicy":
        name = str(event.param("policyArn") or "").rsplit("/", 1)[-1]
        return name if name in QUARANTINE_POLICY_NAMES else None
    name = str(event.param("policyName") or "")
    return name if name == EXPOSED_INLINE or name in QUARANTINE_POLICY_NAMES else None


class IamUserKeyQuarantined(EventCheck):
    """One finding per quarantine policy applied to a user."""

    event_sources = frozenset({"iam.amazonaws.com"})
    event_names = frozenset({"AttachUserPolicy", "PutUserPolicy"})

    def check_event(self, event: Event, ctx: EventContext) -> Iterable[Finding]:
        """Flag the user whose key AWS found exposed."""
        policy = quarantine_policy(event)
        if policy is None:
            return
        user = principal_arn(ctx.after, event, "User", str(event.param("userName") or ""))
        yield self.finding(
            event=event,
            resource=user,
            message=f"AWS detected an access key of {user} as exposed and quarantined it "
            f"with {policy}.",
            details={"policy": policy, "user_arn": user},
        )
