"""Snapshots: a state survives the JSON round trip exactly."""

from __future__ import annotations

from auditor.iam.baseline import read_authorization_details
from auditor.iam.model import Anomaly, Assumption, Role, SignIns
from auditor.iam.replay import replay
from auditor.iam.serialize import state_from_bytes, state_to_bytes, state_to_parts
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


def test_round_trip_keeps_observed_activity() -> None:
    caller = "arn:aws:iam::111122223333:user/alice"
    role = "arn:aws:iam::111122223333:role/deploy"
    other = "arn:aws:iam::111122223333:role/audit"
    state = IamState()
    state.assumptions = {  # a pair seen once (its last time is written as null) and one twice
        (caller, role): Assumption(1, START, START, "e1"),
        (caller, other): Assumption(2, START, START + day(1), "e3"),
    }
    state.sign_ins = {caller: SignIns(3, 1, START, START + day(2), "e4", True)}
    state.anomalies = [Anomaly("e5", START, "DeleteUser", "not in the state")]
    back = state_from_bytes(*state_to_parts(state))
    assert back.assumptions == state.assumptions
    assert back.sign_ins == state.sign_ins and back.anomalies == state.anomalies
    assert state_from_bytes(state_to_bytes(state)).assumptions == state.assumptions
