"""The first time a caller assumes a role, measured against all stored history."""

from __future__ import annotations

from collections.abc import Iterable

from auditor.events import Event
from auditor.findings import Finding
from auditor.rules.base import WindowCheck, WindowContext

ASSUME = ("AssumeRole", "AssumeRoleWithSAML", "AssumeRoleWithWebIdentity")


def caller_of(event: Event) -> str | None:
    """Who assumed the role: the long-lived principal, or the calling account's root."""
    actor = event.actor
    if actor.type == "AWSService":
        return None
    if actor.type == "AWSAccount" and actor.account_id:
        return f"arn:aws:iam::{actor.account_id}:root"
    return actor.principal_arn or actor.user_name


def pair_of(event: Event) -> tuple[str, str] | None:
    """(caller, role ARN) of a successful assumption, when both are known."""
    if event.source != "sts.amazonaws.com" or event.name not in ASSUME or event.failed:
        return None
    caller, role = caller_of(event), event.param("roleArn")
    return (caller, str(role)) if caller and role else None


class StsAssumeRoleFirstTime(WindowCheck):
    """One finding per caller-role pair never seen in history."""

    def check_window(self, ctx: WindowContext) -> Iterable[Finding]:
        """Compare the window's pairs with every earlier one."""
        history = ctx.run.history
        if history.is_empty and ctx.run.settings.checks.learn_on_first_run:
            return
        known = history.memo(
            "assume-role-pairs",
            lambda: {p for e in history.events(*ASSUME) if (p := pair_of(e)) is not None},
        )
        first: dict[tuple[str, str], Event] = {}
        for event in ctx.events:
            pair = pair_of(event)
            if pair is not None and pair not in known and pair not in first:
                first[pair] = event
        for (caller, role), event in first.items():
            yield self.finding(
                event=event,
                resource=role,
                message=f"{caller} assumed {role} for the first time.",
                details={"caller": caller, "role_arn": role},
                key=(caller, role),
            )
