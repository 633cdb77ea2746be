"""Risky action groups granted on every resource: the base of three content rules."""

from __future__ import annotations

from collections.abc import Iterable
from typing import ClassVar

from auditor.events import Event
from auditor.findings import Finding, Severity
from auditor.policy.actions import ActionCatalog
from auditor.policy.document import PolicyDocument
from auditor.policy.risk import actions_on_all_resources, is_admin_equivalent, load_risky_categories
from auditor.rules.base import EventCheck, EventContext
from checks._lib.grants import GRANT_EVENTS, granted


def risky_on_all(document: PolicyDocument, group: str, catalog: ActionCatalog) -> list[str]:
    """The actions of one risky group (``checks/data/risky_actions.toml``) allowed on ``*``."""
    category = load_risky_categories(catalog)[group]
    return sorted(actions_on_all_resources([document], catalog) & category.actions)


class RiskyGrantCheck(EventCheck):
    """Flags a grant whose document allows actions of ``group`` on every resource.

    Administrator-equivalent grants are left to ``iam_policy_admin_granted``; AWS managed
    policies are well known and widely attached, so they are reported at low severity.
    """

    group: ClassVar[str] = ""
    event_sources = frozenset({"iam.amazonaws.com"})
    event_names = GRANT_EVENTS

    def relevant(self, actions: list[str]) -> list[str]:
        """The actions worth a finding (all of them unless a rule says otherwise)."""
        return actions

    def check_event(self, event: Event, ctx: EventContext) -> Iterable[Finding]:
        """One finding per grant with actions of the group on ``*``."""
        grant = granted(event, ctx.after)
        catalog = ctx.run.catalog
        if grant is None or is_admin_equivalent(grant.document, catalog):
            return
        actions = self.relevant(risky_on_all(grant.document, self.group, catalog))
        if not actions:
            return
        title = load_risky_categories(catalog)[self.group].title.lower()
        yield self.finding(
            event=event,
            resource=grant.target,
            message=f"{grant.policy} allows {len(actions)} {title} action(s) on all resources "
            f"to {grant.target}.",
            severity=Severity.LOW if grant.aws_managed else None,
            details={
                "actions": actions,
                "policy": grant.policy,
                "policy_after": grant.document.to_dict(),
                "holders": list(grant.holders),
            },
        )
