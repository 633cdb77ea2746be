"""Administrator-equivalent permissions granted by a policy write or an attachment."""

from __future__ import annotations

from collections.abc import Iterable

from auditor.events import Event
from auditor.findings import Finding
from auditor.iam.permissions import managed_document
from auditor.policy.document import PolicyDocument, parse_policy
from auditor.policy.risk import is_admin_equivalent
from auditor.rules.base import EventCheck, EventContext

PRINCIPAL_PARAMETER = {"User": "userName", "Group": "groupName", "Role": "roleName"}
INLINE = {f"Put{kind}Policy": kind for kind in PRINCIPAL_PARAMETER}
ATTACH = {f"Attach{kind}Policy": kind for kind in PRINCIPAL_PARAMETER}


def _target(event: Event, ctx: EventContext) -> str:
    """The ARN of the principal the policy goes to, or of the policy itself."""
    kind = INLINE.get(event.name) or ATTACH.get(event.name)
    if kind is None:
        policy = event.response.get("policy") if event.response else None
        arn = policy.get("arn") if isinstance(policy, dict) else event.param("policyArn")
        return str(arn or event.param("policyName") or "policy")
    family, name = kind.lower(), str(event.param(PRINCIPAL_PARAMETER[kind]))
    known = ctx.after.arn_for(family, event.account_id, name)
    return known or f"arn:aws:iam::{event.account_id}:{family}/{name}"


def _granted(event: Event, ctx: EventContext) -> tuple[PolicyDocument | None, str, str]:
    """The document granted, the ARN it was granted to, and the policy's name or ARN."""
    target = _target(event, ctx)
    if event.name in ATTACH:
        policy_arn = str(event.param("policyArn") or "")
        return managed_document(ctx.after, policy_arn), target, policy_arn
    if event.name == "CreatePolicyVersion" and event.param("setAsDefault") is not True:
        return None, target, ""
    name = str(event.param("policyName") or event.param("policyArn") or "policy")
    return parse_policy(event.documents.get("policyDocument")), target, name


class IamPolicyAdminGranted(EventCheck):
    """Flags admin-equivalent documents written inline, created as default, or attached."""

    event_sources = frozenset({"iam.amazonaws.com"})
    event_names = frozenset({*INLINE, *ATTACH, "CreatePolicy", "CreatePolicyVersion"})

    def check_event(self, event: Event, ctx: EventContext) -> Iterable[Finding]:
        """One finding per admin-equivalent grant."""
        document, target, policy = _granted(event, ctx)
        if document is None or not is_admin_equivalent(document, ctx.run.catalog):
            return
        yield self.finding(
            event=event,
            resource=target,
            message=f"{event.actor.label} granted administrator-equivalent access ({policy}) "
            f"to {target}.",
            details={"policy_after": document.to_dict(), "granted_to": target},
        )
