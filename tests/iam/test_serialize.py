"""Snapshots: a state survives the JSON round trip exactly."""

from __future__ import annotations

from auditor.iam.baseline import read_authorization_details
from auditor.iam.model import Role
from auditor.iam.replay import replay
from auditor.iam.serialize import state_from_bytes, state_to_bytes
from auditor.iam.state import FAMILIES, IamState
from tests.iam.builders import START, doc, event, gaad, trust
from tests.iam.week import day


def test_round_trip_keeps_every_entity_and_document() -> None:
    base = IamState()
    first = replay(
        base,
        [
            event(
                "CreateRole",
                day(0),
                {"roleName": "r", "assumeRolePolicyDocument": doc(trust("123456789012"))},
            )
        ],
    )
    state = replay(read_authorization_details([gaad()], START).state, [])
    state.roles.update(first.roles)
    back = state_from_bytes(state_to_bytes(state))
    for family in FAMILIES:
        assert dict(back.table(family)) == dict(state.table(family)), family
    role = next(r for r in back.roles.values() if r.name == "r")
    assert isinstance(role, Role) and role.trust is not None and role.trust.parsed() is not None
    only = state_from_bytes(state_to_bytes(first))
    assert only.roles == first.roles  # the trust policy is document 0
