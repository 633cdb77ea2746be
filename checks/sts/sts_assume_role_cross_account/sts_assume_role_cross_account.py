"""A role of ours was assumed by a caller from an account outside the organization."""

from __future__ import annotations

from collections.abc import Iterable

from auditor.events import Event
from auditor.findings import Finding, Severity
from auditor.rules.base import EventCheck, EventContext

ASSUME = frozenset({"AssumeRole"})


def role_account(role_arn: str) -> str | None:
    """The account id in a role ARN."""
    parts = role_arn.split(":")
    return parts[4] if len(parts) > 5 and parts[4].isdigit() else None


class StsAssumeRoleCrossAccount(EventCheck):
    """High for an unknown account; low for a vendor in the known-accounts table.

    Both copies of a cross-account call (the role owner's, with an ``AWSAccount``
    caller, and the caller's) give the same fingerprint: caller account and role.
    """

    event_sources = frozenset({"sts.amazonaws.com"})
    event_names = ASSUME

    def check_event(self, event: Event, ctx: EventContext) -> Iterable[Finding]:
        """One finding per (caller account, role), recognized across runs."""
        actor = event.actor
        role = str(event.param("roleArn") or "")
        owner = role_account(role)
        caller = actor.account_id
        if actor.type == "AWSService" or not caller or not owner or caller == owner:
            return
        run = ctx.run
        ours = owner == event.account_id or run.in_organization(owner)
        if not ours or run.in_organization(caller):
            return
        vendor = run.known_accounts.get(caller)
        who = f"{vendor} ({caller})" if vendor else f"account {caller}"
        yield self.finding(
            event=event,
            resource=role,
            message=f"{who} assumed {role} from outside the organization.",
            severity=Severity.LOW if vendor else None,
            details={
                "caller_account": caller,
                "caller_type": actor.type,
                "caller_arn": actor.arn,
                "vendor": vendor,
                "external_id": event.param("externalId") is not None,
            },
            key=(caller, role),
        )
