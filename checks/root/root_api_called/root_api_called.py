"""API calls made as the root user, one finding per source address and day."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable

from auditor.events import Event
from auditor.findings import Finding, Severity
from auditor.rules.base import WindowCheck, WindowContext

SIGNIN = "signin.amazonaws.com"
# invokers that are the root user at the console, not a service acting on its own
CONSOLE_INVOKERS = frozenset({SIGNIN, "console.amazonaws.com", "AWS Internal"})


def service_acting(event: Event) -> bool:
    """Whether an AWS service made the call (``invokedBy`` a service other than the console)."""
    invoker = event.actor.invoked_by
    return invoker is not None and invoker not in CONSOLE_INVOKERS


def is_root_call(event: Event) -> bool:
    """A call by root itself (API or console): not a sign-in step, not a service's call."""
    return (
        event.actor.type == "Root"
        and event.source != SIGNIN
        and not service_acting(event)
        and event.event_type != "AwsServiceEvent"
    )


def root_key_created(event: Event) -> bool:
    """Root creating an access key for itself (no user name in the request)."""
    return event.name == "CreateAccessKey" and not event.param("userName") and not event.failed


class RootApiCalled(WindowCheck):
    """High; critical when root created an access key for itself."""

    def check_window(self, ctx: WindowContext) -> Iterable[Finding]:
        """Group root calls by account, source address and day."""
        groups: dict[tuple[str, str, str], list[Event]] = {}
        for event in ctx.events:
            if is_root_call(event):
                key = (
                    event.account_id,
                    event.source_ip or "unknown",
                    event.time.date().isoformat(),
                )
                groups.setdefault(key, []).append(event)
        for (account, address, day), events in groups.items():
            names = Counter(e.name for e in events)
            keyed = any(root_key_created(e) for e in events)
            listed = ", ".join(name for name, _ in names.most_common(5))
            yield self.finding(
                event=events[-1],
                events=events[:-1],
                resource=f"arn:aws:iam::{account}:root",
                message=f"Root user of {account} made {len(events)} API call(s) ({listed}) "
                f"from {address}.",
                severity=Severity.CRITICAL if keyed else None,
                details={
                    "calls": dict(names.most_common()),
                    "failed": sum(e.failed for e in events),
                    "root_access_key_created": keyed,
                },
                key=(address, day),
            )
