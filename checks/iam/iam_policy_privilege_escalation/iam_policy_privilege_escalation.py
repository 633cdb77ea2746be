"""Privilege-escalation paths opened by a policy write, a default version, or an attachment."""

from __future__ import annotations

from collections.abc import Iterable

from auditor.events import Event
from auditor.findings import Finding, Severity
from auditor.policy.privesc import PrivescMatch
from auditor.policy.risk import is_admin_equivalent
from auditor.rules.base import EventCheck, EventContext
from checks._lib.escalation import describe, escalation_paths, paths_gained
from checks._lib.grants import GRANT_EVENTS, granted


class IamPolicyPrivilegeEscalation(EventCheck):
    """Flags grants that give a principal an escalation path it did not have.

    Each holder's policies after the event are combined, so a path split across two
    policies is found when the second one arrives. A policy nobody holds yet (created,
    not attached) is judged on its own document, at medium severity.
    """

    event_sources = frozenset({"iam.amazonaws.com"})
    event_names = GRANT_EVENTS

    def check_event(self, event: Event, ctx: EventContext) -> Iterable[Finding]:
        """One finding per grant that opens at least one path."""
        grant = granted(event, ctx.after)
        catalog = ctx.run.catalog
        if grant is None or is_admin_equivalent(grant.document, catalog):
            return  # admin-equivalent grants are iam_policy_admin_granted's
        by_holder: dict[str, frozenset[PrivescMatch]] = {}
        for holder in grant.holders:
            gained = paths_gained(ctx.after, holder, grant.document, catalog)
            if gained:
                by_holder[holder] = gained
        paths = frozenset().union(*by_holder.values()) if by_holder else frozenset()
        if not grant.holders:
            paths = escalation_paths([grant.document], catalog)
        if not paths:
            return
        ids = ", ".join(sorted(p.path_id for p in paths))
        who = ", ".join(sorted(by_holder)) or grant.target
        yield self.finding(
            event=event,
            resource=grant.target,
            message=f"{grant.policy} gives {who} privilege-escalation paths ({ids}).",
            severity=None if grant.holders else Severity.MEDIUM,
            details={
                "paths": describe(paths),
                "holders": {h: sorted(p.path_id for p in found) for h, found in by_holder.items()},
                "policy": grant.policy,
                "policy_after": grant.document.to_dict(),
            },
        )
