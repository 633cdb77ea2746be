"""A guard-rail policy (one with Deny statements) was detached, deleted or removed inline."""

from __future__ import annotations

from collections.abc import Iterable

from auditor.events import Event
from auditor.findings import Finding, Severity
from auditor.iam.permissions import managed_document
from auditor.iam.state import IamState
from auditor.policy.document import PolicyDocument
from auditor.policy.managed import QUARANTINE_POLICY_NAMES
from auditor.rules.base import EventCheck, EventContext
from checks._lib.grants import PRINCIPAL_PARAMETER, principal_arn

DETACH = {f"Detach{kind}Policy": kind for kind in PRINCIPAL_PARAMETER}
DELETE_INLINE = {f"Delete{kind}Policy": kind for kind in PRINCIPAL_PARAMETER}
EXPOSED_INLINE = "AWSExposedCredentialPolicy_DO_NOT_REMOVE"


def removed(event: Event, before: IamState) -> tuple[PolicyDocument | None, str, str]:
    """The document taken away, the policy's name or ARN, and where it was taken from."""
    if event.name == "DeletePolicy":
        arn = str(event.param("policyArn") or "")
        return managed_document(before, arn), arn, arn
    kind = DETACH.get(event.name) or DELETE_INLINE[event.name]
    target = principal_arn(before, event, kind, str(event.param(PRINCIPAL_PARAMETER[kind])))
    if event.name in DETACH:
        arn = str(event.param("policyArn") or "")
        return managed_document(before, arn), arn, target
    name = str(event.param("policyName") or "")
    entity = before.users.get(target) or before.groups.get(target) or before.roles.get(target)
    document = entity.inline.get(name) if entity is not None else None
    return (document.parsed() if document is not None else None), name, target


class IamGuardrailPolicyRemoved(EventCheck):
    """Medium; high for AWS's key quarantine policies and for a Deny on every action."""

    event_sources = frozenset({"iam.amazonaws.com"})
    event_names = frozenset({*DETACH, *DELETE_INLINE, "DeletePolicy"})
    uses_state_before = True

    def check_event(self, event: Event, ctx: EventContext) -> Iterable[Finding]:
        """One finding when the removed document denied something."""
        if ctx.before is None:
            return
        document, policy, target = removed(event, ctx.before)
        denies = [s for s in document.statements if s.is_deny] if document else []
        if not denies:
            return
        short = policy.rsplit("/", 1)[-1]
        deny_all = any("*" in s.actions and s.covers_all_resources for s in denies)
        strong = deny_all or short in QUARANTINE_POLICY_NAMES or short == EXPOSED_INLINE
        yield self.finding(
            event=event,
            resource=target,
            message=f"{event.actor.label} removed guard-rail policy {policy} from {target}.",
            severity=Severity.HIGH if strong else None,
            details={
                "policy": policy,
                "deny_statements": len(denies),
                "policy_before": document.to_dict() if document else None,
            },
        )
