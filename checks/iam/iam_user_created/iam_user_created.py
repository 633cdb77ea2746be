"""An IAM user was created: low, medium when the creator is root or a compute workload."""

from __future__ import annotations

from collections.abc import Iterable

from auditor.events import Event
from auditor.findings import Finding, Severity
from auditor.rules.base import EventCheck, EventContext


def unusual_creator(event: Event) -> str | None:
    """Why the caller is an odd one to create users (root, an instance or a function)."""
    actor = event.actor
    if actor.type == "Root":
        return "the account root user"
    session = actor.session_name or ""
    if session.startswith("i-"):
        return f"EC2 instance credentials ({session})"
    agent = event.user_agent or ""
    if "AWS_Lambda" in agent or actor.invoked_by == "lambda.amazonaws.com":
        return "a Lambda function"
    return None


class IamUserCreated(EventCheck):
    """One finding per new IAM user (long-lived credentials are a standing risk)."""

    event_sources = frozenset({"iam.amazonaws.com"})
    event_names = frozenset({"CreateUser"})

    def check_event(self, event: Event, ctx: EventContext) -> Iterable[Finding]:
        """Low by default; medium when created by root or by workload credentials."""
        name = str(event.param("userName") or "unknown")
        user = event.response.get("user") if event.response else None
        arn = user.get("arn") if isinstance(user, dict) else None
        arn = str(arn or ctx.after.arn_for("user", event.account_id, name) or name)
        why = unusual_creator(event)
        yield self.finding(
            event=event,
            resource=arn,
            message=f"{event.actor.label} created IAM user {arn}.",
            severity=Severity.MEDIUM if why else None,
            details={
                "user_name": name,
                "path": event.param("path"),
                "permissions_boundary": event.param("permissionsBoundary"),
                "tags": event.param("tags"),
                "unusual_creator": why,
            },
        )
