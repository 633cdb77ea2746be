"""Drift: the replayed state at a snapshot's instant against that snapshot.

Each difference is something the trail did not deliver (an event lost, late, or from a
region or account the trail did not cover). Only what the snapshot describes is
compared: its accounts, its families, and not the fields GetAccountAuthorizationDetails
leaves out (role description and session duration, policy tags) nor AWS managed
policies (AWS changes them without an event in your trail).
"""

from __future__ import annotations

from collections.abc import Mapping

from auditor.findings import Change
from auditor.iam.baseline import Baseline
from auditor.iam.diff import compute_changes
from auditor.iam.model import ManagedPolicy, Role, User
from auditor.iam.state import FAMILIES, IamState, Journal

EXPLANATION = (
    "the replayed trail does not explain this: an event was not delivered, or came from a "
    "region or account the trail does not cover"
)


def _normalized(state: IamState, accounts: frozenset[str], covers: frozenset[str]) -> IamState:
    out = IamState()
    out.at = state.at
    for family in FAMILIES:
        if family not in covers:
            continue
        target = out.writable(family)
        for key, entity in state.table(family).items():
            if entity.account not in accounts:
                continue
            if isinstance(entity, Role):
                entity = entity._replace(description=None, max_session_duration=None)
            elif isinstance(entity, ManagedPolicy):
                entity = entity._replace(tags={}, description=None)
            elif isinstance(entity, User) and "login_profile" not in covers:
                entity = entity._replace(login_profile=None)
            target[key] = entity
    return out


def compute_drift(
    replayed: IamState,
    snapshot: Baseline,
    org_accounts: frozenset[str] = frozenset(),
    known_accounts: Mapping[str, str] | None = None,
) -> list[Change]:
    """What differs between the replayed state and a snapshot of the same instant."""
    before = _normalized(replayed, snapshot.accounts, snapshot.covers)
    after = _normalized(snapshot.state, snapshot.accounts, snapshot.covers)
    changes = compute_changes(
        before,
        after,
        (),
        journal=Journal(),
        org_accounts=org_accounts,
        known_accounts=known_accounts,
    )
    return [
        Change(
            kind=change.kind,
            entity=change.entity,
            arn=change.arn,
            time=snapshot.at,
            event_ids=(),
            actor=change.actor,
            details={**change.details, "missing_from_trail": True, "explanation": EXPLANATION},
        )
        for change in changes
    ]
