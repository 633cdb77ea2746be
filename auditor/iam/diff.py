"""Changes between two states, each with the events, actor and time that caused it.

An entity touched inside the window but back where it started is still reported: kind
``added`` then ``removed`` (``transient: true``) for one created and deleted, ``modified``
with ``transient: true`` for one changed and changed back. A difference no event in the
window explains (a newer baseline, or drift) is marked ``unattributed: true``.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from datetime import datetime
from typing import Any

from auditor.events import Event
from auditor.findings import ActorInfo, Change, new_change
from auditor.iam.arns import root_arn
from auditor.iam.diff_details import DiffContext, document_json, entity_details
from auditor.iam.model import Entity, ManagedPolicy, User, content_getter
from auditor.iam.replay import apply_events, event_order
from auditor.iam.state import FAMILIES, IamState, Journal
from auditor.policy.actions import ActionCatalog, load_action_catalog
from auditor.policy.known_accounts import with_known_accounts
from auditor.timeutil import format_instant

LOGIN_PROFILE_EVENTS = frozenset({"CreateLoginProfile", "UpdateLoginProfile", "DeleteLoginProfile"})
VERSION_EVENTS = frozenset({"CreatePolicyVersion", "DeletePolicyVersion"})
_EPOCH_TEXT = "1970-01-01T00:00:00Z"
_NO_ACTOR = ActorInfo()


# a user's login profile and a policy's versions are changes of their own
_IGNORED = {User: frozenset({"login_profile"}), ManagedPolicy: frozenset({"versions"})}
_CONTENT: dict[type[Any], Callable[[Any], Any]] = {}


def _comparable(entity: Entity | None) -> Any:
    if entity is None:
        return None
    kind = type(entity)
    getter = _CONTENT.get(kind)
    if getter is None:
        getter = _CONTENT[kind] = content_getter(kind, _IGNORED.get(kind, frozenset()))
    if isinstance(entity, ManagedPolicy):
        return (getter(entity), entity.default_document)
    return getter(entity)


def change_arn(family: str, entity: Entity) -> str:
    """The ARN a change names: the entity's own, or its owner's for keys and settings."""
    arn = getattr(entity, "arn", None)
    if isinstance(arn, str):
        return arn
    if family == "access_key":
        return str(getattr(entity, "user_arn", ""))
    if family == "mfa_device":
        return str(getattr(entity, "serial", ""))
    return root_arn(entity.account)


class _Builder:
    def __init__(self, ctx: DiffContext, journal: Journal, at: datetime | None) -> None:
        self.ctx = ctx
        self.journal = journal
        self.at = at
        self.changes: list[Change] = []
        self.renamed_to = {old: new for (_, new), old in journal.renames.items()}

    def emit(
        self, kind: str, entity: str, arn: str, events: Sequence[Event], details: dict[str, Any]
    ) -> None:
        last = events[-1] if events else None
        if last is None:
            details["unattributed"] = True
        time = last.time if last is not None else self.at
        self.changes.append(
            new_change(
                kind,
                entity,
                arn,
                time if time is not None else datetime.fromisoformat(_EPOCH_TEXT),
                tuple(event.event_id for event in events),
                ActorInfo.from_event(last) if last is not None else _NO_ACTOR,
                details,
            )
        )

    def entity(self, family: str, key: str, before: Entity | None, after: Entity | None) -> None:
        events = self.journal.touched.get((family, key), [])
        subject = after if after is not None else before
        if subject is None:
            return
        arn = change_arn(family, subject)
        if isinstance(subject, User):
            self._login_profile(arn, before, after, events)
        if isinstance(subject, ManagedPolicy):
            self._versions(arn, before, after, events)
        own = _own_events(family, events)
        details: dict[str, Any] = {"key": key} if family in ("access_key", "mfa_device") else {}
        if before is None and after is None:
            return
        if before is None:
            self._added(family, key, arn, after, own or events, details)
        elif after is None:
            if key in self.renamed_to:
                details["renamed_to"] = self.renamed_to[key]
            details.update(entity_details(before, None, self.ctx))
            self.emit("removed", family, arn, own or events, details)
        elif _comparable(before) != _comparable(after):
            details.update(entity_details(before, after, self.ctx))
            if after.origin == "event" and after.origin_event in {e.event_id for e in events}:
                details["recreated"] = True
            self.emit("modified", family, arn, own or events, details)
        elif own:
            details.update({"transient": True, "note": "changed and changed back in the window"})
            self.emit("modified", family, arn, own, details)

    def _added(
        self,
        family: str,
        key: str,
        arn: str,
        after: Entity | None,
        events: list[Event],
        details: dict[str, Any],
    ) -> None:
        renamed_from = self.journal.renames.get((family, key))
        if renamed_from is not None:
            details["renamed_from"] = renamed_from
        if after is not None and after.origin == "unknown":
            details["origin"] = "unknown"
            details["revealed_by"] = after.origin_event
        details.update(entity_details(None, after, self.ctx))
        self.emit("added", family, arn, events, details)

    def transient(self, family: str, key: str) -> None:
        events = self.journal.touched.get((family, key), [])
        if not events:
            return
        details: dict[str, Any] = {"transient": True, "key": key}
        self.emit("added", family, key, events[:1], dict(details))
        self.emit("removed", family, key, events, details)

    def _login_profile(
        self, arn: str, before: Entity | None, after: Entity | None, events: list[Event]
    ) -> None:
        old = before.login_profile if isinstance(before, User) else None
        new = after.login_profile if isinstance(after, User) else None
        mine = [e for e in events if e.name in LOGIN_PROFILE_EVENTS]
        if old is new and not mine:  # the common case: no login profile in play
            return
        detail = {
            "before": _profile_json(old),
            "after": _profile_json(new),
        }
        cause = mine or events  # none of its own: it went or came with the user
        if old is None and new is not None:
            self.emit("added", "login_profile", arn, cause, detail)
        elif old is not None and new is None:
            self.emit("removed", "login_profile", arn, cause, detail)
        elif old != new and old is not None and new is not None:
            self.emit("modified", "login_profile", arn, cause, detail)
        elif mine:
            self.emit("modified", "login_profile", arn, mine, {**detail, "transient": True})

    def _versions(
        self, arn: str, before: Entity | None, after: Entity | None, events: list[Event]
    ) -> None:
        old = before.versions if isinstance(before, ManagedPolicy) else {}
        new = after.versions if isinstance(after, ManagedPolicy) else {}
        default = after.default_version if isinstance(after, ManagedPolicy) else None
        for version_id in sorted(set(old) | set(new)):
            created = new[version_id].created if version_id in new else None
            mine = [
                e
                for e in events
                if e.param("versionId") == version_id or _creates(e, version_id, created)
            ]
            if version_id in new and version_id not in old:
                document = document_json(new[version_id].document)
                details = {
                    "version_id": version_id,
                    "document": document,
                    "is_default": version_id == default,
                }
                self.emit("added", "policy_version", arn, mine, details)
            elif version_id in old and version_id not in new:
                if not mine:  # gone with the policy
                    mine = [e for e in events if e.name == "DeletePolicy"]
                details = {
                    "version_id": version_id,
                    "document": document_json(old[version_id].document),
                }
                self.emit("removed", "policy_version", arn, mine, details)


def _creates(event: Event, version_id: str, created: datetime | None) -> bool:
    """Whether ``event`` created the version (``created``: when replay says it was)."""
    if event.name != "CreatePolicyVersion":
        return event.name == "CreatePolicy" and version_id == "v1"
    response = event.response.get("policyVersion") if event.response else None
    named = response.get("versionId") if isinstance(response, dict) else None
    if isinstance(named, str):
        return named == version_id
    # no version id in the response: replay numbered the version and dated it by the event
    return created is not None and created == event.time


def _own_events(family: str, events: list[Event]) -> list[Event]:
    """The events that changed the entity itself, not only a user's login profile or a
    policy's non-default versions (those are changes of their own)."""
    if family == "user":
        return [e for e in events if e.name not in LOGIN_PROFILE_EVENTS]
    if family == "policy":
        return [e for e in events if not _is_version_event(e)]
    return events


def _is_version_event(event: Event) -> bool:
    if event.name not in VERSION_EVENTS:
        return False
    return not (
        event.name == "CreatePolicyVersion" and event.param("setAsDefault") in (True, "true")
    )


def _profile_json(profile: Any) -> dict[str, Any] | None:
    if profile is None:
        return None
    created = format_instant(profile.created) if profile.created else None
    return {"created": created, "password_reset_required": profile.password_reset_required}


def journal_of(state: IamState, events: Iterable[Event]) -> Journal:
    """Replay ``events`` on a copy of ``state`` only to learn what each one touched."""
    journal = Journal()
    apply_events(state.copy(), sorted(events, key=event_order), None, journal)
    return journal


def compute_changes(
    state_a: IamState,
    state_b: IamState,
    events_between: Iterable[Event],
    *,
    journal: Journal | None = None,
    org_accounts: frozenset[str] = frozenset(),
    known_accounts: Mapping[str, str] | None = None,
    catalog: ActionCatalog | None = None,
    replayed: bool = False,
) -> list[Change]:
    """Every entity added, removed or modified from ``state_a`` to ``state_b``.

    ``journal`` (from replaying ``events_between`` onto ``state_a``) saves a second
    replay when the caller has one. With ``replayed``, ``state_b`` is that replay's
    result, so only the entities the journal names can differ and no others are
    compared. Changes come sorted by time, entity, ARN, kind and key.
    """
    if journal is None:
        journal = journal_of(state_a, events_between)
    ctx = DiffContext(
        state_a,
        state_b,
        catalog or load_action_catalog(),
        org_accounts,
        with_known_accounts(known_accounts),
        frozenset(key for family, key in journal.touched if family == "policy")
        if replayed
        else None,
    )
    builder = _Builder(ctx, journal, state_b.at)
    touched = journal.touched
    touched_keys: dict[str, list[str]] = {family: [] for family in FAMILIES}
    for family, key in touched:
        touched_keys[family].append(key)
    for family in FAMILIES:
        before, after = state_a.table(family), state_b.table(family)
        if replayed:
            for key in touched_keys[family]:
                builder.entity(family, key, before.get(key), after.get(key))
            continue
        for key, old in before.items():
            new = after.get(key)
            if new is old and (family, key) not in touched:
                continue
            builder.entity(family, key, old, new)
        for key, new in after.items():
            if key not in before:
                builder.entity(family, key, None, new)
    for family, keys in touched_keys.items():
        before, after = state_a.table(family), state_b.table(family)
        for key in keys:
            if key not in before and key not in after:
                builder.transient(family, key)
    return sorted(builder.changes, key=_change_order)


def _change_order(change: Change) -> tuple[datetime, str, str, str, str]:
    """Time, entity, ARN and kind, then the key that tells apart changes sharing an ARN
    (a user's access keys, a policy's versions)."""
    details = change.details
    key = details.get("key") or details.get("version_id") or ""
    return (change.time, change.entity, change.arn, change.kind, str(key))
