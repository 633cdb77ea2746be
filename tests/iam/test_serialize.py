"""Snapshots: a state survives the JSON round trip exactly."""

from __future__ import annotations

from datetime import timedelta

import orjson
import pytest

from auditor.iam.baseline import read_authorization_details
from auditor.iam.model import Anomaly, Assumption, Role, SignIns
from auditor.iam.replay import replay
from auditor.iam.serialize import (
    SNAPSHOT_FORMAT,
    state_from_bytes,
    state_to_bytes,
    state_to_json,
    state_to_parts,
)
from auditor.iam.state import FAMILIES, IamState
from auditor.iam.typed_rows import decode_declared
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


def test_rows_that_do_not_fit_the_model_are_read_field_by_field() -> None:
    # a snapshot of an older version, or a hand-edited store: the typed reader declines
    # the whole payload, and the field-by-field reader keeps the value as it was stored
    state = replay(read_authorization_details([gaad()], START).state, [])
    data = orjson.loads(state_to_bytes(state))
    row = data["entities"]["role"][0]
    row[Role._fields.index("max_session_duration")] = "3600"
    payload = orjson.dumps(data)
    assert decode_declared(payload, SNAPSHOT_FORMAT) is None
    back = state_from_bytes(payload)
    assert back.roles[row[0]].max_session_duration == "3600"
    assert dict(back.users) == dict(state.users)


def test_a_snapshot_naming_a_missing_document_does_not_load() -> None:
    # neither reader invents a document (the typed one declines, the other one stops)
    state = IamState()
    state.roles["arn:aws:iam::111122223333:role/r"] = Role(
        "arn:aws:iam::111122223333:role/r", "r", "/", "111122223333"
    )
    data = orjson.loads(state_to_bytes(state))
    data["entities"]["role"][0][Role._fields.index("trust")] = 7
    with pytest.raises(LookupError):
        state_from_bytes(orjson.dumps(data))


def test_activity_written_before_shared_principals_still_reads() -> None:
    # ARNs inline and every last time written out: the form of earlier snapshots
    caller = "arn:aws:iam::111122223333:user/alice"
    role = "arn:aws:iam::111122223333:role/deploy"
    later = START + timedelta(days=1, microseconds=250000)
    first, last = START.isoformat(), later.isoformat()
    older = {
        "assumptions": [[caller, role, 2, first, last, "e2"]],
        "sign_ins": [[caller, 1, 0, first, first, "e1", None]],
        "anomalies": [],
    }
    declared, _ = state_to_parts(IamState())
    back = state_from_bytes(declared, orjson.dumps(older))
    seen = back.assumptions[(caller, role)]
    assert (seen.times, seen.first, seen.last) == (2, START, later)
    assert back.sign_ins[caller].successes == 1
    with pytest.raises(ValueError, match="activity"):
        state_from_bytes(declared, orjson.dumps({"assumptions": [[caller]]}))


def test_a_state_continues_from_its_snapshot_as_in_memory() -> None:
    # an "origin unknown" alice2 renamed onto alice's name, then "alice" deleted: the
    # user at /x/ keeps the name but replay no longer indexes it; the snapshot must not
    # index it again, or a later event on "alice" would apply to a different user
    first = [
        event("CreateUser", day(0), {"userName": "alice", "path": "/x/"}, event_id="e1"),
        event("UpdateUser", day(0), {"userName": "alice2", "newUserName": "alice"}, event_id="e2"),
        event("DeleteUser", day(1), {"userName": "alice"}, event_id="e3"),
    ]
    then = [event("TagUser", day(2), {"userName": "alice", "tags": [{"key": "k", "value": "v"}]})]
    state = replay(IamState(), first)
    loaded = state_from_bytes(state_to_bytes(state))
    assert loaded.names == state.names
    assert state_to_json(replay(loaded, then)) == state_to_json(replay(state, then))
