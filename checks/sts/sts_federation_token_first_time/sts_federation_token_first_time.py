"""The first GetFederationToken of a user, measured against all stored history."""

from __future__ import annotations

from collections.abc import Iterable

from auditor.events import Event
from auditor.findings import Finding
from auditor.rules.base import WindowCheck, WindowContext

NAME = "GetFederationToken"


def minter(event: Event) -> str | None:
    """The user who minted a federation token (successful calls only)."""
    if event.source != "sts.amazonaws.com" or event.name != NAME or event.failed:
        return None
    return event.actor.arn or event.actor.user_name


class StsFederationTokenFirstTime(WindowCheck):
    """One finding per user minting federation tokens for the first time."""

    def check_window(self, ctx: WindowContext) -> Iterable[Finding]:
        """Compare the window's minters with every earlier one; learn on a first run."""
        if ctx.run.learning:
            return
        first = ctx.run.history.first_seen("federation-token-minters", (NAME,), minter, ctx.events)
        for user, event in first.items():
            yield self.finding(
                event=event,
                resource=user,
                message=f"{user} minted a federation token for the first time "
                f"(session {event.param('name') or 'unnamed'}).",
                details={
                    "federated_name": event.param("name"),
                    "duration_seconds": event.param("durationSeconds"),
                    "session_policy": event.param("policy") is not None,
                    "policy_arns": event.param("policyArns"),
                },
                key=(user,),
            )
