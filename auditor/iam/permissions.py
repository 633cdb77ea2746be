"""What principals may do: their policy documents and effective allowed actions.

Action sets are resource-agnostic (see ``auditor.policy.actions.allowed_actions``). A
permissions boundary is shown beside the identity policies: ``effective`` is what both
allow. AWS managed policies come from the state when a baseline carried their document,
else from the shipped table of the policy library.
"""

from __future__ import annotations

from dataclasses import dataclass

from auditor.iam.model import Group, Role, User
from auditor.iam.state import IamState
from auditor.policy.actions import ActionCatalog, allowed_actions, load_action_catalog
from auditor.policy.document import PolicyDocument
from auditor.policy.managed import is_aws_managed_arn, lookup_aws_managed_policy


@dataclass(frozen=True, slots=True)
class EffectiveActions:
    """A principal's allowed actions: by identity policies, by its boundary, and both."""

    principal_arn: str
    identity: frozenset[str]
    boundary_arn: str | None
    boundary: frozenset[str] | None
    unknown_policies: tuple[str, ...]

    @property
    def effective(self) -> frozenset[str]:
        """What the identity policies allow within the boundary."""
        return self.identity if self.boundary is None else self.identity & self.boundary


def managed_document(state: IamState, policy_arn: str) -> PolicyDocument | None:
    """The default version of a managed policy, from the state or the AWS managed table."""
    policy = state.policies.get(policy_arn)
    if policy is not None:
        document = policy.default_document
        parsed = document.parsed() if document is not None else None
        if parsed is not None:
            return parsed
    if is_aws_managed_arn(policy_arn):
        found = lookup_aws_managed_policy(policy_arn)
        return found.document if found is not None else None
    return None


def principal(state: IamState, arn: str) -> User | Group | Role | None:
    """The user, group or role with this ARN."""
    return state.users.get(arn) or state.roles.get(arn) or state.groups.get(arn)


def own_documents(
    state: IamState, entity: User | Group | Role
) -> tuple[list[PolicyDocument], list[str]]:
    """Inline and attached documents of one entity, and the attached ARNs not resolvable."""
    documents = [doc for doc in (d.parsed() for d in entity.inline.values()) if doc is not None]
    unknown: list[str] = []
    for policy_arn in sorted(entity.attached):
        document = managed_document(state, policy_arn)
        if document is None:
            unknown.append(policy_arn)
        else:
            documents.append(document)
    return documents, unknown


def identity_documents(state: IamState, arn: str) -> tuple[list[PolicyDocument], list[str]]:
    """Every identity policy of a principal (a user's groups included), and unknown ARNs."""
    entity = principal(state, arn)
    if entity is None:
        return [], []
    documents, unknown = own_documents(state, entity)
    if isinstance(entity, User):
        for group_arn in sorted(entity.groups):
            group = state.groups.get(group_arn)
            if group is not None:
                more, missing = own_documents(state, group)
                documents.extend(more)
                unknown.extend(missing)
    return documents, unknown


def effective_actions(
    state: IamState, principal_arn: str, catalog: ActionCatalog | None = None
) -> EffectiveActions:
    """The actions a principal's identity policies allow, and its boundary beside them."""
    catalog = catalog or load_action_catalog()
    documents, unknown = identity_documents(state, principal_arn)
    entity = principal(state, principal_arn)
    boundary_arn = entity.boundary if isinstance(entity, User | Role) else None
    boundary: frozenset[str] | None = None
    if boundary_arn is not None:
        document = managed_document(state, boundary_arn)
        boundary = allowed_actions([document], catalog) if document is not None else None
        if document is None:
            unknown.append(boundary_arn)
    return EffectiveActions(
        principal_arn,
        allowed_actions(documents, catalog),
        boundary_arn,
        boundary,
        tuple(unknown),
    )
