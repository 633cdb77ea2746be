"""The ``details`` of a change: what differs between two versions of one entity.

For permissions (inline, attached, managed default versions, groups) the details carry the
documents before and after and the actions gained and lost; for trust policies the
documents and the principals gained and lost with their classification.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from auditor.iam.documents import Document
from auditor.iam.model import EMPTY, Entity, Group, ManagedPolicy, Role, User, field_positions
from auditor.iam.permissions import managed_document, principal
from auditor.iam.state import IamState
from auditor.policy.action_bits import EMPTY_BITS, ActionBits, ActionIndex
from auditor.policy.actions import ActionCatalog
from auditor.policy.document import PolicyDocument
from auditor.policy.trust import OrganizationContext, TrustedPrincipal, classify_trust

_SET_FIELDS = ("attached", "groups", "roles", "client_ids", "thumbprints")
_PLAIN_FIELDS = (
    *("path", "description", "max_session_duration", "status", "user_arn", "url"),
    *("boundary", "alias", "metadata_sha256", "default_version"),
)
_MAP_FIELDS = ("tags", "password_policy")


@dataclass(frozen=True, slots=True)
class DiffContext:
    """What the details need besides the two states."""

    before: IamState
    after: IamState
    catalog: ActionCatalog
    org_accounts: frozenset[str] = frozenset()
    known_accounts: Mapping[str, str] | None = None
    reported_policies: frozenset[str] | None = None  # the only ones ``holders`` is asked of
    _holders: dict[str, list[str]] = field(default_factory=dict, compare=False)
    _index: list[ActionIndex] = field(default_factory=list, compare=False)
    _own: dict[tuple[int, int], tuple[Entity, ActionBits, ActionBits]] = field(
        default_factory=dict, compare=False
    )
    _managed: dict[tuple[str, int], tuple[ManagedPolicy | None, ActionBits, ActionBits]] = field(
        default_factory=dict, compare=False
    )
    _trusts: dict[tuple[int, str], tuple[PolicyDocument, tuple[TrustedPrincipal, ...]]] = field(
        default_factory=dict, compare=False
    )

    @property
    def actions(self) -> ActionIndex:
        """Action sets as bits over the catalog, remembered for the diff's duration."""
        if not self._index:
            self._index.append(ActionIndex(self.catalog))
        return self._index[0]

    def holders(self, policy_arn: str) -> list[str]:
        """The principals a managed policy is attached to after the change (or bounds)."""
        if not self._holders:
            self._holders.update(policy_holders(self.after, self.reported_policies))
            self._holders.setdefault("", [])
        return self._holders.get(policy_arn, [])

    def principal_actions(self, state: IamState, arn: str) -> ActionBits:
        """What a principal's identity policies allow in ``state`` (its groups' included)."""
        entity = principal(state, arn)
        if entity is None:
            return EMPTY_BITS
        allowed, denied = self._own_actions(state, entity)
        if isinstance(entity, User):
            for group_arn in entity.groups:
                group = state.groups.get(group_arn)
                if group is not None:
                    more, less = self._own_actions(state, group)
                    allowed, denied = allowed | more, denied | less
        return allowed - denied

    def _own_actions(
        self, state: IamState, entity: User | Group | Role
    ) -> tuple[ActionBits, ActionBits]:
        """Allowed and denied by the entity's own policies, remembered per state and entity.

        The same sets as ``own_documents`` gives, without sorting or listing: a diff asks
        this for every changed principal, before and after.
        """
        key = (id(state), id(entity))
        found = self._own.get(key)
        if found is not None and found[0] is entity:
            return found[1], found[2]
        allowed, denied = EMPTY_BITS, EMPTY_BITS
        document_bits = self.actions.document
        for inline in entity.inline.values():
            parsed = inline.parsed()
            if parsed is not None:
                more, less = document_bits(parsed)
                allowed, denied = allowed | more, denied | less
        for policy_arn in entity.attached:
            more, less = self._managed_actions(state, policy_arn)
            allowed, denied = allowed | more, denied | less
        self._own[key] = (entity, allowed, denied)
        return allowed, denied

    def trusted(self, trust: PolicyDocument, account: str) -> tuple[TrustedPrincipal, ...]:
        """The principals a trust policy of a role in ``account`` admits, classified.

        Remembered per parsed document and account (equal trust texts share one parse).
        """
        key = (id(trust), account)
        found = self._trusts.get(key)
        if found is not None and found[0] is trust:
            return found[1]
        org = OrganizationContext(account, self.org_accounts, self.known_accounts or {})
        principals = classify_trust(trust, org)
        self._trusts[key] = (trust, principals)
        return principals

    def _managed_actions(self, state: IamState, policy_arn: str) -> tuple[ActionBits, ActionBits]:
        """A managed policy's default version as bits, remembered per policy version."""
        policy = state.policies.get(policy_arn)
        key = (policy_arn, id(policy))
        found = self._managed.get(key)
        if found is not None and found[0] is policy:
            return found[1], found[2]
        document = managed_document(state, policy_arn)
        allowed, denied = self.actions.document(document) if document else (EMPTY_BITS, EMPTY_BITS)
        self._managed[key] = (policy, allowed, denied)
        return allowed, denied


def document_json(document: Document | None) -> Any:
    """A document for the JSON report (the object, or the unparsed text)."""
    return document.to_json() if document is not None else None


def _actions(details: dict[str, Any], old: ActionBits, new: ActionBits, ctx: DiffContext) -> None:
    listing = ctx.actions.listing
    details["actions_gained"], details["actions_gained_count"] = listing(new - old)
    details["actions_lost"], details["actions_lost_count"] = listing(old - new)


def _principal_actions(state: IamState | None, arn: str, ctx: DiffContext) -> ActionBits:
    return ctx.principal_actions(state, arn) if state is not None else EMPTY_BITS


def _trust(role: Role | None, ctx: DiffContext) -> tuple[TrustedPrincipal, ...]:
    if role is None or role.trust is None:
        return ()
    parsed = role.trust.parsed()
    if parsed is None:
        return ()
    return ctx.trusted(parsed, role.account)


def _trust_details(before: Role | None, after: Role | None, ctx: DiffContext) -> dict[str, Any]:
    old, new = _trust(before, ctx), _trust(after, ctx)
    old_keys = {p.key for p in old}
    new_keys = {p.key for p in new}
    return {
        "trust_policy": {
            "before": document_json(before.trust if before else None),
            "after": document_json(after.trust if after else None),
        },
        "principals_gained": [p.to_dict() for p in new if p.key not in old_keys],
        "principals_lost": [p.to_dict() for p in old if p.key not in new_keys],
    }


def _inline_details(
    before: Mapping[str, Document], after: Mapping[str, Document]
) -> dict[str, Any]:
    return {
        name: {"before": document_json(before.get(name)), "after": document_json(after.get(name))}
        for name in sorted(set(before) | set(after))
        if before.get(name) != after.get(name)
    }


_FieldPlan = tuple[list[tuple[str, int]], list[tuple[str, int]], list[tuple[str, int]]]
_FIELD_PLANS: dict[type[Any], _FieldPlan] = {}


def _field_plan(kind: type[Any]) -> _FieldPlan:
    """Where an entity type keeps its set, plain and mapping fields (remembered per type)."""
    plan = _FIELD_PLANS.get(kind)
    if plan is None:
        index = field_positions(kind)
        sets, plain, maps = (
            [(name, index[name]) for name in names if name in index]
            for names in (_SET_FIELDS, _PLAIN_FIELDS, _MAP_FIELDS)
        )
        plan = _FIELD_PLANS[kind] = (sets, plain, maps)
    return plan


def _field_details(before: Entity | None, after: Entity | None) -> dict[str, Any]:
    details: dict[str, Any] = {}
    subject = after if after is not None else before
    if subject is None:
        return details
    sets, plain, maps = _field_plan(type(subject))
    old: Any
    new: Any
    for name, at in sets:
        old = before[at] if before is not None else EMPTY
        new = after[at] if after is not None else EMPTY
        if old != new:
            details[name] = {"added": sorted(new - old), "removed": sorted(old - new)}
    for name, at in plain:
        old = before[at] if before is not None else None
        new = after[at] if after is not None else None
        if old != new:
            details[name] = {"before": old, "after": new}
    for name, at in maps:
        old = before[at] if before is not None else None
        new = after[at] if after is not None else None
        if (old or None) != (new or None):
            details[name] = {
                "before": dict(old) if old else None,
                "after": dict(new) if new else None,
            }
    return details


def entity_details(before: Entity | None, after: Entity | None, ctx: DiffContext) -> dict[str, Any]:
    """What differs between two versions of an entity (either may be None)."""
    details = _field_details(before, after)
    sample = after if after is not None else before
    if isinstance(sample, User | Group | Role):
        old_inline = before.inline if isinstance(before, User | Group | Role) else {}
        new_inline = after.inline if isinstance(after, User | Group | Role) else {}
        inline = _inline_details(old_inline, new_inline)
        if inline:
            details["inline"] = inline
        if (
            inline
            or "attached" in details
            or "groups" in details
            or before is None
            or after is None
        ):
            old = _principal_actions(ctx.before if before is not None else None, sample.arn, ctx)
            new = _principal_actions(ctx.after if after is not None else None, sample.arn, ctx)
            _actions(details, old, new, ctx)
    if (isinstance(sample, Group) and "attached" in details) or (
        isinstance(sample, Group) and "inline" in details
    ):
        details["members"] = sorted(sample.members)
    if isinstance(sample, Role):
        old_role = before if isinstance(before, Role) else None
        new_role = after if isinstance(after, Role) else None
        if (old_role.trust if old_role else None) != (new_role.trust if new_role else None):
            details.update(_trust_details(old_role, new_role, ctx))
    if isinstance(sample, ManagedPolicy):
        details.update(_policy_details(before, after, ctx))
    return details


def _policy_details(
    before: Entity | None, after: Entity | None, ctx: DiffContext
) -> dict[str, Any]:
    old = before.default_document if isinstance(before, ManagedPolicy) else None
    new = after.default_document if isinstance(after, ManagedPolicy) else None
    if old == new and before is not None and after is not None:
        return {}
    details: dict[str, Any] = {
        "document": {"before": document_json(old), "after": document_json(new)}
    }
    old_parsed = old.parsed() if old is not None else None
    new_parsed = new.parsed() if new is not None else None
    _actions(
        details,
        ctx.actions.allowed([old_parsed] if old_parsed is not None else []),
        ctx.actions.allowed([new_parsed] if new_parsed is not None else []),
        ctx,
    )
    holder = after if isinstance(after, ManagedPolicy) else before
    if isinstance(holder, ManagedPolicy):
        details["attached_to"] = ctx.holders(holder.arn)
    return details


def policy_holders(state: IamState, policies: frozenset[str] | None = None) -> dict[str, list[str]]:
    """Per managed policy ARN, the principals it is attached to or bounds (sorted).

    With ``policies``, only those policies' holders (a diff reports a few hundred of the
    state's policies).
    """
    holders: dict[str, set[str]] = {}
    for table in (state.users, state.groups, state.roles):
        for entity in table.values():
            attached = entity.attached
            if attached and (policies is None or not policies.isdisjoint(attached)):
                for policy_arn in attached:
                    holders.setdefault(policy_arn, set()).add(entity.arn)
            boundary = getattr(entity, "boundary", None)
            if boundary:
                holders.setdefault(boundary, set()).add(entity.arn)
    return {
        arn: sorted(found) for arn, found in holders.items() if policies is None or arn in policies
    }
