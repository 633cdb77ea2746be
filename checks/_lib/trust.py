"""What a CreateRole or UpdateAssumeRolePolicy did to a role's trust (shared by the trust rules)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any, ClassVar

from auditor.events import Event
from auditor.findings import Finding, Severity
from auditor.policy.document import PolicyDocument, parse_policy
from auditor.policy.trust import (
    TrustedPrincipal,
    classify_trust,
    principal_delta,
    weakened_principals,
)
from auditor.rules.base import EventCheck, EventContext
from checks._lib.grants import principal_arn

TRUST_EVENTS = frozenset({"CreateRole", "UpdateAssumeRolePolicy"})


@dataclass(frozen=True)
class TrustChange:
    """A role's trust before and after one event, and the principals it admitted."""

    role_arn: str
    before: PolicyDocument | None
    after: PolicyDocument
    gained: tuple[TrustedPrincipal, ...]
    lost: tuple[TrustedPrincipal, ...]
    weakened: tuple[TrustedPrincipal, ...]

    def details(self, flagged: Iterable[TrustedPrincipal] = ()) -> dict[str, Any]:
        """The documents and principal deltas for a finding's ``details``."""
        return {
            "role_arn": self.role_arn,
            "policy_before": self.before.to_dict() if self.before else None,
            "policy_after": self.after.to_dict(),
            "principals_gained": [p.to_dict() for p in self.gained],
            "principals_lost": [p.to_dict() for p in self.lost],
            "principals_weakened": [p.to_dict() for p in self.weakened],
            "flagged": [p.to_dict() for p in flagged],
        }


def trust_change(event: Event, ctx: EventContext) -> TrustChange | None:
    """The trust change of a CreateRole or UpdateAssumeRolePolicy; None when unreadable."""
    name = str(event.param("roleName") or "")
    key = "assumeRolePolicyDocument" if event.name == "CreateRole" else "policyDocument"
    after = parse_policy(event.documents.get(key))
    if not name or after is None:
        return None
    role_arn = principal_arn(ctx.after, event, "Role", name)
    owner = role_arn.split(":")[4] or event.account_id
    org = ctx.run.organization(owner)
    before = None
    if event.name == "UpdateAssumeRolePolicy" and ctx.before is not None:
        role = ctx.before.roles.get(role_arn)
        before = role.trust.parsed() if role is not None and role.trust is not None else None
    old = classify_trust(before, org) if before is not None else ()
    new = classify_trust(after, org)
    gained, lost = principal_delta(old, new)
    return TrustChange(role_arn, before, after, gained, lost, weakened_principals(old, new))


class TrustPrincipalCheck(EventCheck):
    """Flags principals of ``kinds`` that a trust change admitted (or weakened)."""

    kinds: ClassVar[frozenset[str]] = frozenset()
    event_sources = frozenset({"iam.amazonaws.com"})
    event_names = TRUST_EVENTS
    uses_state_before = True

    def flagged(self, principal: TrustedPrincipal) -> bool:
        """Whether a gained principal deserves a finding of this rule."""
        return principal.kind in self.kinds and principal.is_risky

    def severity_of(self, principal: TrustedPrincipal) -> Severity:
        """The severity one flagged principal calls for: its risk hint by default."""
        return Severity(principal.risk)

    def check_event(self, event: Event, ctx: EventContext) -> Iterable[Finding]:
        """One finding per event that admitted a flagged principal."""
        change = trust_change(event, ctx)
        if change is None:
            return
        found = [p for p in (*change.gained, *change.weakened) if self.flagged(p)]
        if not found:
            return
        names = ", ".join(sorted({p.principal for p in found}))
        yield self.finding(
            event=event,
            resource=change.role_arn,
            message=f"Role {change.role_arn} now trusts {names}.",
            severity=max((self.severity_of(p) for p in found), key=lambda s: s.rank),
            details=change.details(found),
        )
