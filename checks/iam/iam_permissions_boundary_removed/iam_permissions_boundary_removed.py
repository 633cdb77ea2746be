"""A permissions boundary was removed from a user or role."""

from __future__ import annotations

from collections.abc import Iterable

from auditor.events import Event
from auditor.findings import Finding, Severity
from auditor.iam.permissions import identity_documents
from auditor.policy.risk import is_admin_equivalent
from auditor.rules.base import EventCheck, EventContext
from checks._lib.grants import principal_arn

KINDS = {"DeleteUserPermissionsBoundary": "User", "DeleteRolePermissionsBoundary": "Role"}


class IamPermissionsBoundaryRemoved(EventCheck):
    """Medium; high when the principal's own policies are administrator-equivalent."""

    event_sources = frozenset({"iam.amazonaws.com"})
    event_names = frozenset(KINDS)
    uses_state_before = True

    def check_event(self, event: Event, ctx: EventContext) -> Iterable[Finding]:
        """One finding per boundary removed, with what the principal may now do."""
        kind = KINDS[event.name]
        name = str(event.param("userName" if kind == "User" else "roleName") or "")
        arn = principal_arn(ctx.after, event, kind, name)
        entity = None
        if ctx.before is not None:
            entity = ctx.before.users.get(arn) or ctx.before.roles.get(arn)
        boundary = getattr(entity, "boundary", None)
        documents, _ = identity_documents(ctx.after, arn)
        admin = bool(documents) and is_admin_equivalent(documents, ctx.run.catalog)
        yield self.finding(
            event=event,
            resource=arn,
            message=f"{event.actor.label} removed the permissions boundary "
            f"{boundary or '(unknown)'} of {arn}.",
            severity=Severity.HIGH if admin else None,
            details={"boundary_before": boundary, "now_admin_equivalent": admin},
        )
