"""An MFA device was deactivated or deleted."""

from __future__ import annotations

from collections.abc import Iterable

from auditor.events import Event
from auditor.findings import Finding, Severity
from auditor.rules.base import EventCheck, EventContext

ROOT_USER = "AWS ROOT USER"


class IamMfaDeviceRemoved(EventCheck):
    """High for a deactivation, medium for deleting a virtual device, critical for root."""

    event_sources = frozenset({"iam.amazonaws.com"})
    event_names = frozenset({"DeactivateMFADevice", "DeleteVirtualMFADevice"})

    def check_event(self, event: Event, ctx: EventContext) -> Iterable[Finding]:
        """One finding per device removed."""
        serial = str(event.param("serialNumber") or "unknown device")
        user = event.param("userName")
        root = user == ROOT_USER or (user is None and event.actor.type == "Root")
        owner = "the root user" if root else str(user or event.actor.label)
        severity = Severity.CRITICAL if root else None
        if not root and event.name == "DeleteVirtualMFADevice":
            severity = Severity.MEDIUM
        yield self.finding(
            event=event,
            resource=serial,
            message=f"{event.actor.label} removed MFA device {serial} of {owner}.",
            severity=severity,
            details={"serial_number": serial, "user_name": user, "root": root},
        )
