"""Access keys or console passwords created or reset for a user other than the caller."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import timedelta

from auditor.automation import iac_tool
from auditor.events import Event
from auditor.findings import Finding, Severity
from auditor.rules.base import EventCheck, EventContext
from checks._lib.grants import principal_arn

ONBOARDING = timedelta(hours=1)
KIND = {
    "CreateAccessKey": "an access key",
    "CreateLoginProfile": "a console password",
    "UpdateLoginProfile": "a console password reset",
}


def target_user(event: Event) -> str | None:
    """The user the credential is for; None when it is the caller's own."""
    key = event.response.get("accessKey") if event.response else None
    name = event.param("userName") or (key.get("userName") if isinstance(key, dict) else None)
    if not name or name == "AWS ROOT USER":
        return None
    actor = event.actor
    if actor.type == "IAMUser" and (
        actor.user_name == name or (actor.arn or "").endswith(f"/{name}")
    ):
        return None
    return str(name)


class IamCredentialsForOtherUser(EventCheck):
    """High; medium for a password that must be changed at first sign-in, or for an
    infrastructure-as-code tool setting up a user created within the hour (onboarding)."""

    event_sources = frozenset({"iam.amazonaws.com"})
    event_names = frozenset(KIND)

    def check_event(self, event: Event, ctx: EventContext) -> Iterable[Finding]:
        """One finding per credential made for someone else."""
        name = target_user(event)
        if name is None:
            return
        arn = principal_arn(ctx.after, event, "User", name)
        user = ctx.after.users.get(arn)
        fresh = bool(user and user.created and event.time - user.created <= ONBOARDING)
        tool = iac_tool(event)
        must_change = event.param("passwordResetRequired") is True
        lowered = must_change or (fresh and tool is not None)
        yield self.finding(
            event=event,
            resource=arn,
            message=f"{event.actor.label} created {KIND[event.name]} for {arn}.",
            severity=Severity.MEDIUM if lowered else None,
            details={
                "credential": event.name,
                "user_name": name,
                "password_reset_required": event.param("passwordResetRequired"),
                "iac_tool": tool,
                "user_created_within_hour": fresh,
            },
        )
