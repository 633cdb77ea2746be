"""Findings and changes: what the analysis produces and every report renders.

Their JSON forms are the contract of DESIGN.md (``findings[]`` and ``changes[]``).
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum
from typing import Any

from auditor.events import Event
from auditor.frozen import positional_builder
from auditor.timeutil import format_instant

CATEGORIES = (
    "root-activity",
    "console-login-without-mfa",
    "console-login-failure",
    "console-login-unusual-location",
    "new-user",
    "credentials-for-other-user",
    "admin-access-granted",
    "privilege-escalation",
    "resource-exposure",
    "data-exfiltration",
    "credentials-exposure",
    "external-trust",
    "public-trust",
    "federated-trust-unconstrained",
    "trust-policy-changed",
    "cross-account-assume-role",
    "unusual-assume-role",
    "failed-iam-change",
    "logging-tampering",
    "mfa-removed",
    "permissions-boundary-removed",
    "hidden-policy-content",
    "identity-provider-change",
    "iam-change",
)
CHANGE_KINDS = ("added", "removed", "modified")


class Severity(StrEnum):
    """How urgent a finding is, from ``info`` to ``critical``."""

    INFO = "info"
    LOW = "low"
    MEDIUM = "medium"
    HIGH = "high"
    CRITICAL = "critical"

    @property
    def rank(self) -> int:
        """0 for info up to 4 for critical."""
        return list(Severity).index(self)

    def __str__(self) -> str:
        return self.value


@dataclass(frozen=True, slots=True)
class ActorInfo:
    """The evidence about who did something."""

    arn: str | None = None
    type: str | None = None
    session_name: str | None = None
    source_ip: str | None = None
    country: str | None = None
    user_agent: str | None = None

    @staticmethod
    def from_event(event: Event, country: str | None = None) -> ActorInfo:
        """Who made this event's call, and from where."""
        actor = event.actor
        arn = actor.arn or actor.invoked_by or None
        if arn is None and actor.type == "AWSAccount" and actor.account_id:
            arn = f"arn:aws:iam::{actor.account_id}:root"
        return _actor_info(
            arn, actor.type, actor.session_name, event.source_ip, country, event.user_agent
        )

    def to_dict(self) -> dict[str, Any]:
        """The JSON form."""
        return {
            "arn": self.arn,
            "type": self.type,
            "session_name": self.session_name,
            "source_ip": self.source_ip,
            "country": self.country,
            "user_agent": self.user_agent,
        }


_actor_info = positional_builder(ActorInfo)


def make_fingerprint(*parts: str) -> str:
    """A stable identifier from the parts that make a finding the same across runs."""
    digest = hashlib.sha256("\x1f".join(parts).encode("utf-8")).hexdigest()
    return digest[:24]


@dataclass(frozen=True, slots=True)
class Finding:
    """One thing worth a human's attention, with its evidence."""

    check_id: str
    category: str
    severity: Severity
    title: str
    message: str
    time: datetime
    account_id: str
    region: str
    actor: ActorInfo
    resource: str
    event_ids: tuple[str, ...]
    details: Mapping[str, Any] = field(default_factory=dict)
    status: str = "new"
    fingerprint: str = ""

    def __post_init__(self) -> None:
        if not self.fingerprint:
            key = make_fingerprint(self.check_id, self.account_id, self.resource, *self.event_ids)
            object.__setattr__(self, "fingerprint", key)

    @property
    def sort_key(self) -> tuple[int, str, str, str, str]:
        """Most severe first, then time, check, resource and fingerprint."""
        return (
            -self.severity.rank,
            format_instant(self.time),
            self.check_id,
            self.resource,
            self.fingerprint,
        )

    def to_dict(self) -> dict[str, Any]:
        """The JSON form of DESIGN.md."""
        return {
            "fingerprint": self.fingerprint,
            "check_id": self.check_id,
            "category": self.category,
            "severity": self.severity.value,
            "title": self.title,
            "message": self.message,
            "time": format_instant(self.time),
            "account_id": self.account_id,
            "region": self.region,
            "actor": self.actor.to_dict(),
            "resource": self.resource,
            "event_ids": list(self.event_ids),
            "details": dict(self.details),
            "status": self.status,
        }


@dataclass(frozen=True, slots=True)
class Change:
    """An IAM entity added, removed or modified, with the events that did it."""

    kind: str
    entity: str
    arn: str
    time: datetime
    event_ids: tuple[str, ...]
    actor: ActorInfo
    details: Mapping[str, Any] = field(default_factory=dict)

    @property
    def sort_key(self) -> tuple[str, str, str, str]:
        """Entity type, ARN, time, kind."""
        return (self.entity, self.arn, format_instant(self.time), self.kind)

    def to_dict(self) -> dict[str, Any]:
        """The JSON form of DESIGN.md."""
        return {
            "kind": self.kind,
            "entity": self.entity,
            "arn": self.arn,
            "time": format_instant(self.time),
            "event_ids": list(self.event_ids),
            "actor": self.actor.to_dict(),
            "details": dict(self.details),
        }


# a diff builds one change per entity it reports
new_change = positional_builder(Change)
