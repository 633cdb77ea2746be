"""``IamState``: every account's IAM entities and observed activity at one instant.

Tables map keys (ARNs; key ids for access keys, serials for MFA devices, account ids
for account settings) to immutable entities. ``copy`` copies the tables, not the
entities, so a snapshot costs one dict copy per table; replay then replaces entities
instead of changing them.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any

from auditor.events import Event
from auditor.iam.model import (
    AccessKey,
    AccountSettings,
    Anomaly,
    Assumption,
    Entity,
    Group,
    IdentityProvider,
    InstanceProfile,
    ManagedPolicy,
    MfaDevice,
    Role,
    SignIns,
    User,
    build,
)
from auditor.iam.names import NameIndex

FAMILIES = (
    "user",
    "group",
    "role",
    "policy",
    "instance_profile",
    "access_key",
    "mfa_device",
    "identity_provider",
    "account_settings",
)
FAMILY_TYPES: dict[str, type[Any]] = {
    "user": User,
    "group": Group,
    "role": Role,
    "policy": ManagedPolicy,
    "instance_profile": InstanceProfile,
    "access_key": AccessKey,
    "mfa_device": MfaDevice,
    "identity_provider": IdentityProvider,
    "account_settings": AccountSettings,
}
# the field a family's table is keyed by (the ARN unless named here)
KEY_FIELDS = {"access_key": "key_id", "mfa_device": "serial", "account_settings": "account"}


class Journal:
    """What a replay touched: per ``(family, key)``, the events in the order applied."""

    __slots__ = ("renames", "touched")

    def __init__(self) -> None:
        self.touched: dict[tuple[str, str], list[Event]] = {}
        self.renames: dict[tuple[str, str], str] = {}

    def record(self, family: str, key: str, event: Event) -> None:
        """Note that ``event`` changed (or revealed) the entity."""
        events = self.touched.setdefault((family, key), [])
        if not events or events[-1] is not event:
            events.append(event)


class IamState:
    """The declared IAM state of several accounts, plus what was observed."""

    __slots__ = (
        "access_keys",
        "accounts",
        "anomalies",
        "assumptions",
        "at",
        "baseline_at",
        "event",
        "groups",
        "instance_profiles",
        "journal",
        "mfa_devices",
        "names",
        "policies",
        "providers",
        "roles",
        "sign_ins",
        "through_arrival",
        "users",
    )

    def __init__(self) -> None:
        self.users: dict[str, User] = {}
        self.groups: dict[str, Group] = {}
        self.roles: dict[str, Role] = {}
        self.policies: dict[str, ManagedPolicy] = {}
        self.instance_profiles: dict[str, InstanceProfile] = {}
        self.access_keys: dict[str, AccessKey] = {}
        self.mfa_devices: dict[str, MfaDevice] = {}
        self.providers: dict[str, IdentityProvider] = {}
        self.accounts: dict[str, AccountSettings] = {}
        self.names = NameIndex()
        self.assumptions: dict[tuple[str, str], Assumption] = {}
        self.sign_ins: dict[str, SignIns] = {}
        self.anomalies: list[Anomaly] = []
        self.baseline_at: dict[str, datetime] = {}
        self.at: datetime | None = None
        self.journal: Journal | None = None
        self.event: Event | None = None
        self.through_arrival: int | None = None

    def copy(self) -> IamState:
        """An independent state sharing the (immutable) entities; no journal."""
        other = IamState()
        other.users = self.users.copy()
        other.groups = self.groups.copy()
        other.roles = self.roles.copy()
        other.policies = self.policies.copy()
        other.instance_profiles = self.instance_profiles.copy()
        other.access_keys = self.access_keys.copy()
        other.mfa_devices = self.mfa_devices.copy()
        other.providers = self.providers.copy()
        other.accounts = self.accounts.copy()
        other.names = self.names.copy()
        other.assumptions = self.assumptions.copy()
        other.sign_ins = self.sign_ins.copy()
        other.anomalies = self.anomalies.copy()
        other.baseline_at = self.baseline_at.copy()
        other.at = self.at
        other.through_arrival = self.through_arrival
        return other

    def table(self, family: str) -> Mapping[str, Entity]:
        """The table of one family (see ``FAMILIES``)."""
        return self.writable(family)

    def writable(self, family: str) -> dict[str, Any]:
        """The table of one family, to fill (loaders; replay uses the typed tables)."""
        tables: dict[str, dict[str, Any]] = {
            "user": self.users,
            "group": self.groups,
            "role": self.roles,
            "policy": self.policies,
            "instance_profile": self.instance_profiles,
            "access_key": self.access_keys,
            "mfa_device": self.mfa_devices,
            "identity_provider": self.providers,
            "account_settings": self.accounts,
        }
        return tables[family]

    def account_ids(self) -> frozenset[str]:
        """Every account that has at least one entity (AWS managed ``aws`` excluded)."""
        found: set[str] = set()
        for family in FAMILIES:
            found.update(entity.account for entity in self.table(family).values())
        found.discard("aws")
        return frozenset(found)

    def size(self) -> int:
        """How many entities the state holds."""
        return sum(len(self.table(family)) for family in FAMILIES)

    def touch(self, family: str, key: str) -> None:
        """Record in the journal (when one is attached) that the current event changed ``key``."""
        if self.journal is not None and self.event is not None:
            self.journal.record(family, key, self.event)

    def note(self, reason: str) -> None:
        """Record an anomaly of the event being applied."""
        event = self.event
        if event is not None:
            values = (event.event_id, event.time, event.name, reason)
            self.anomalies.append(build(Anomaly, values))

    def arn_for(self, family: str, account: str, name: str) -> str | None:
        """The ARN of a named entity of ``account``, when the state knows it."""
        return self.names.get(family, account, name)
