"""The first time a caller assumes a role, measured against all stored history."""

from __future__ import annotations

from collections.abc import Iterable

from auditor.events import Event
from auditor.findings import Finding
from auditor.principals import ASSUME_ROLE_NAMES, assumed_role
from auditor.rules.base import WindowCheck, WindowContext


class StsAssumeRoleFirstTime(WindowCheck):
    """One finding per caller-role pair never seen in history."""

    def check_window(self, ctx: WindowContext) -> Iterable[Finding]:
        """Compare the window's pairs with every earlier one."""
        history = ctx.run.history
        if history.is_empty and ctx.run.settings.checks.learn_on_first_run:
            return
        known = history.memo(
            "assume-role-pairs",
            lambda: {
                p for e in history.events(*ASSUME_ROLE_NAMES) if (p := assumed_role(e)) is not None
            },
        )
        first: dict[tuple[str, str], Event] = {}
        for event in ctx.events:
            pair = assumed_role(event)
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
