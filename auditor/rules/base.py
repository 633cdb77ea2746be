"""What a Python check implements, and the context the engine hands it.

A check never calls AWS: everything it may know comes through its context (the event,
the IAM state before and after, the history, the configuration, the policy library).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from functools import cached_property
from typing import TYPE_CHECKING, Any, ClassVar

from auditor.config import Settings
from auditor.events import Event
from auditor.findings import ActorInfo, Change, Finding, Severity, make_fingerprint
from auditor.geo import CountryLookup
from auditor.history import History
from auditor.rules.metadata import CheckMeta

if TYPE_CHECKING:
    from auditor.iam.state import IamState
    from auditor.policy.actions import ActionCatalog
    from auditor.policy.trust import OrganizationContext


@dataclass
class RunContext:
    """What every check may consult during one analysis."""

    settings: Settings
    history: History
    geo: CountryLookup

    @cached_property
    def catalog(self) -> ActionCatalog:
        """The shipped IAM action catalog (loaded on first use)."""
        from auditor.policy.actions import load_action_catalog

        return load_action_catalog()

    @cached_property
    def known_accounts(self) -> Mapping[str, str]:
        """Known vendor accounts: the bundled table plus ``[organization.known_accounts]``."""
        from auditor.policy.known_accounts import with_known_accounts

        return with_known_accounts(self.settings.organization.known_accounts)

    def organization(self, owner_account: str) -> OrganizationContext:
        """The trust-classification context for a resource owned by ``owner_account``."""
        from auditor.policy.trust import OrganizationContext

        return OrganizationContext(
            owner_account=owner_account,
            org_accounts=frozenset(self.settings.organization.accounts),
            known_accounts=self.known_accounts,
        )

    @property
    def learning(self) -> bool:
        """A first run that learns quietly: "never seen before" checks stay silent."""
        return self.history.is_empty and self.settings.checks.learn_on_first_run

    def in_organization(self, account_id: str | None) -> bool:
        """Whether an account is one of ours (configured, or the only one seen)."""
        return account_id is not None and account_id in self.settings.organization.accounts


@dataclass
class EventContext:
    """One event's surroundings: the state just before it (when asked for) and after it."""

    run: RunContext
    after: IamState
    before: IamState | None = None


@dataclass
class WindowContext:
    """Everything under analysis at once: events, states at both ends, and the changes."""

    run: RunContext
    events: Sequence[Event]
    before: IamState
    after: IamState
    compute_changes: Callable[[], Sequence[Change]] = field(default=lambda: ())

    @cached_property
    def changes(self) -> Sequence[Change]:
        """The IAM changes between ``before`` and ``after`` (computed on first use)."""
        return self.compute_changes()


class Check:
    """Base of every check; the catalog sets ``meta`` and the effective ``severity``."""

    meta: CheckMeta
    severity: Severity

    def bind(self, meta: CheckMeta, severity: Severity | None = None) -> None:
        """Attach the rule's metadata (and a configured severity override)."""
        self.meta = meta
        self.severity = severity or meta.severity

    @property
    def check_id(self) -> str:
        """The rule's id."""
        return self.meta.id

    def finding(
        self,
        *,
        event: Event | None,
        resource: str,
        message: str,
        details: Mapping[str, Any] | None = None,
        severity: Severity | None = None,
        events: Sequence[Event] = (),
        time: datetime | None = None,
        account_id: str | None = None,
        region: str | None = None,
        actor: ActorInfo | None = None,
        key: Sequence[str] = (),
    ) -> Finding:
        """A finding of this check with the evidence of ``event`` (and ``events``).

        ``key`` replaces the event ids in the fingerprint for findings that should be
        recognized again across runs (a standing trust, a burst per day).
        """
        evidence = [e for e in (event, *events) if e is not None]
        ids = tuple(dict.fromkeys(e.event_id for e in evidence))
        last = max(evidence, key=lambda e: (e.time, e.event_id)) if evidence else None
        when = time or (last.time if last else None)
        if when is None:
            raise ValueError("a finding needs an event or a time")
        account = account_id or (last.account_id if last else "unknown")
        return Finding(
            check_id=self.check_id,
            category=self.meta.category,
            severity=severity or self.severity,
            title=self.meta.title,
            message=message,
            time=when,
            account_id=account,
            region=region or (last.region if last else "global"),
            actor=actor or (ActorInfo.from_event(event) if event else ActorInfo()),
            resource=resource,
            event_ids=ids,
            details=dict(details or {}),
            fingerprint=make_fingerprint(self.check_id, account, resource, *(key or ids)),
        )


class EventCheck(Check):
    """A check that judges events one at a time, in event-time order."""

    event_sources: frozenset[str] = frozenset()
    event_names: frozenset[str] = frozenset()
    include_failed: ClassVar[bool] = False
    uses_state_before: ClassVar[bool] = False

    def applies_to(self, event: Event) -> bool:
        """Whether ``check_event`` wants this event (sources, names, failures)."""
        if event.failed and not self.include_failed:
            return False
        if self.event_sources and event.source not in self.event_sources:
            return False
        return not self.event_names or event.name in self.event_names

    def check_event(self, event: Event, ctx: EventContext) -> Iterable[Finding]:
        """Findings about one event."""
        raise NotImplementedError


class WindowCheck(Check):
    """A check that sees the whole window: bursts, first-seen pairs, standing state."""

    def check_window(self, ctx: WindowContext) -> Iterable[Finding]:
        """Findings about the window as a whole."""
        raise NotImplementedError


CheckClass = type[EventCheck] | type[WindowCheck]
