"""Privilege-escalation paths a grant opens, within its document and across a holder's policies."""

from __future__ import annotations

from collections.abc import Sequence

from auditor.iam.permissions import identity_documents
from auditor.iam.state import IamState
from auditor.policy.actions import ActionCatalog, allowed_actions
from auditor.policy.document import PolicyDocument
from auditor.policy.privesc import PrivescMatch, find_privesc_paths
from auditor.policy.risk import actions_on_all_resources

PASS_ROLE = "iam:PassRole"


def escalation_paths(
    documents: Sequence[PolicyDocument], catalog: ActionCatalog
) -> frozenset[PrivescMatch]:
    """Paths whose actions are all allowed, target-dependent ones left out.

    The IAM actions of a path (``iam:PassRole`` aside) must be allowed on every
    resource: ``iam:CreateAccessKey`` on ``${aws:username}`` is self-service, not a path.
    """
    if not documents:
        return frozenset()
    allowed = allowed_actions(documents, catalog)
    on_all = actions_on_all_resources(documents, catalog)
    return frozenset(
        match
        for match in find_privesc_paths(allowed, include_target_dependent=False)
        if all(
            action in on_all or not action.startswith("iam:") or action == PASS_ROLE
            for action in match.actions
        )
    )


def _without(documents: list[PolicyDocument], document: PolicyDocument) -> list[PolicyDocument]:
    rest = list(documents)
    if document in rest:
        rest.remove(document)
    return rest


def paths_gained(
    state: IamState, holder: str, document: PolicyDocument, catalog: ActionCatalog
) -> frozenset[PrivescMatch]:
    """Paths ``holder`` has with ``document`` among its policies and would not have without it."""
    documents, _ = identity_documents(state, holder)
    others = _without(documents, document)
    return escalation_paths([*others, document], catalog) - escalation_paths(others, catalog)


def describe(paths: frozenset[PrivescMatch]) -> list[dict[str, object]]:
    """The JSON form of paths for a finding's details, sorted by id."""
    return [
        {"id": p.path_id, "title": p.title, "actions": list(p.actions), "link": p.link}
        for p in sorted(paths, key=lambda p: p.path_id)
    ]
