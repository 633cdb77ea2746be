"""The first time a caller assumes a role, measured against all stored history."""

from __future__ import annotations

from collections.abc import Iterable

from auditor.findings import Finding
from auditor.principals import ASSUME_ROLE_NAMES, assumed_role
from auditor.rules.base import WindowCheck, WindowContext


class StsAssumeRoleFirstTime(WindowCheck):
    """One finding per caller-role pair never seen in history."""

    def check_window(self, ctx: WindowContext) -> Iterable[Finding]:
        """Compare the window's pairs with every earlier one."""
        if ctx.run.learning:
            return
        first = ctx.run.history.first_seen(
            "assume-role-pairs", ASSUME_ROLE_NAMES, assumed_role, ctx.events
        )
        for (caller, role), event in first.items():
            yield self.finding(
                event=event,
                resource=role,
                message=f"{caller} assumed {role} for the first time.",
                details={"caller": caller, "role_arn": role},
                key=(caller, role),
            )
