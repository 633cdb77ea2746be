"""Property: any interleaving of events for the same entities replays without raising and
gives the same state as replaying them sorted; odd events only add anomalies."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import orjson
from hypothesis import given, settings
from hypothesis import strategies as st

from auditor.events import Event
from auditor.iam.baseline import read_authorization_details
from auditor.iam.diff import compute_changes
from auditor.iam.replay import apply_events, event_order, replay
from auditor.iam.serialize import (
    SNAPSHOT_FORMAT,
    state_from_bytes,
    state_from_json,
    state_to_bytes,
    state_to_json,
)
from auditor.iam.state import IamState, Journal
from auditor.iam.typed_rows import decode_declared
from tests.iam.builders import START, doc, event, gaad, policy, trust

USER = "alice"
ADMIN = "arn:aws:iam::aws:policy/AdministratorAccess"
DEPLOY = "arn:aws:iam::111122223333:policy/deploy"
GOOD_DOC = doc(policy("s3:GetObject"))
BAD_DOCS = ["{not json", "[]", "%7B%22Statement%22", ""]

USER_CALLS: list[tuple[str, dict[str, Any] | None, dict[str, Any] | None]] = [
    ("CreateUser", {"userName": USER, "path": "/x/"}, None),
    ("DeleteUser", {"userName": USER}, None),
    ("UpdateUser", {"userName": USER, "newUserName": "alice2"}, None),
    ("UpdateUser", {"userName": "alice2", "newUserName": USER}, None),
    ("TagUser", {"userName": USER, "tags": [{"key": "a", "value": "1"}]}, None),
    ("UntagUser", {"userName": USER, "tagKeys": ["a"]}, None),
    ("AttachUserPolicy", {"userName": USER, "policyArn": ADMIN}, None),
    ("DetachUserPolicy", {"userName": USER, "policyArn": ADMIN}, None),
    ("PutUserPolicy", {"userName": USER, "policyName": "p", "policyDocument": GOOD_DOC}, None),
    ("DeleteUserPolicy", {"userName": USER, "policyName": "p"}, None),
    ("AddUserToGroup", {"userName": USER, "groupName": "devs"}, None),
    ("RemoveUserFromGroup", {"userName": USER, "groupName": "devs"}, None),
    ("DeleteGroup", {"groupName": "devs"}, None),
    ("CreateLoginProfile", {"userName": USER, "passwordResetRequired": True}, None),
    ("UpdateLoginProfile", {"userName": USER, "passwordResetRequired": False}, None),
    ("DeleteLoginProfile", {"userName": USER}, None),
    (
        "CreateAccessKey",
        {"userName": USER},
        {"accessKey": {"accessKeyId": "AKIA1", "status": "Active"}},
    ),
    ("UpdateAccessKey", {"userName": USER, "accessKeyId": "AKIA1", "status": "Inactive"}, None),
    ("DeleteAccessKey", {"userName": USER, "accessKeyId": "AKIA1"}, None),
    ("PutUserPermissionsBoundary", {"userName": USER, "permissionsBoundary": DEPLOY}, None),
    ("DeleteUserPermissionsBoundary", {"userName": USER}, None),
    (
        "EnableMFADevice",
        {"userName": USER, "serialNumber": "arn:aws:iam::111122223333:mfa/a"},
        None,
    ),
    (
        "DeactivateMFADevice",
        {"userName": USER, "serialNumber": "arn:aws:iam::111122223333:mfa/a"},
        None,
    ),
    ("DeleteVirtualMFADevice", {"serialNumber": "arn:aws:iam::111122223333:mfa/a"}, None),
    (
        "CreatePolicyVersion",
        {"policyArn": DEPLOY, "policyDocument": GOOD_DOC, "setAsDefault": "true"},
        None,
    ),
    ("SetDefaultPolicyVersion", {"policyArn": DEPLOY, "versionId": "v1"}, None),
    ("DeletePolicyVersion", {"policyArn": DEPLOY, "versionId": "v2"}, None),
    ("DeletePolicy", {"policyArn": DEPLOY}, None),
    (
        "CreateRole",
        {
            "roleName": "r",
            "assumeRolePolicyDocument": doc(trust("arn:aws:iam::111122223333:user/alice")),
        },
        None,
    ),
    ("UpdateAssumeRolePolicy", {"roleName": "r", "policyDocument": doc(trust("*"))}, None),
    ("AddRoleToInstanceProfile", {"roleName": "r", "instanceProfileName": "ip"}, None),
    ("DeleteRole", {"roleName": "r"}, None),
    ("DeleteInstanceProfile", {"instanceProfileName": "ip"}, None),
]


@st.composite
def odd(draw: st.DrawFn, name: str, request: dict[str, Any] | None) -> dict[str, Any] | None:
    """The request as logged, or broken: omitted, null, a parameter missing, a bad document."""
    choice = draw(st.integers(0, 9))
    if request is None or choice > 5:
        return request
    if choice == 0:
        return None
    if choice == 1:
        return {"reason": "requestParameters too large", "omitted": True}
    if choice == 2:
        return dict(list(request.items())[1:])
    if choice == 3 and "policyDocument" in request:
        return {**request, "policyDocument": draw(st.sampled_from(BAD_DOCS))}
    return request


@st.composite
def events(draw: st.DrawFn) -> list[Event]:
    count = draw(st.integers(1, 25))
    out: list[Event] = []
    for index in range(count):
        name, request, response = draw(st.sampled_from(USER_CALLS))
        minute = draw(st.integers(0, 6))  # few distinct instants: many ties
        failed = draw(st.sampled_from([None, None, None, "AccessDenied"]))
        out.append(
            event(
                name,
                timedelta(minutes=minute),
                draw(odd(name, request)),
                response,
                error=failed,
                event_id=f"e{index:03d}",
            )
        )
    return out


def _start(baseline: bool) -> IamState:
    """The state before the events: a baseline from the day before, or nothing."""
    if baseline:
        return read_authorization_details([gaad()], START - timedelta(days=1)).state
    return IamState()


def assert_no_internal_errors(state: IamState) -> None:
    assert not [a for a in state.anomalies if a.reason.startswith("internal error")]


@settings(max_examples=300, deadline=None)
@given(events(), st.randoms(use_true_random=False), st.booleans())
def test_any_interleaving_equals_sorted_replay(
    batch: list[Event], rng: Any, baseline: bool
) -> None:
    start = _start(baseline)
    expected = apply_events(start.copy(), sorted(batch, key=event_order))
    shuffled = list(batch)
    rng.shuffle(shuffled)
    result = replay(start, shuffled)
    assert_no_internal_errors(result)
    assert state_to_json(result) == state_to_json(expected)
    assert result.names == expected.names


@settings(max_examples=100, deadline=None)
@given(events())
def test_replay_in_two_steps_equals_one(batch: list[Event]) -> None:
    ordered = sorted(batch, key=event_order)
    middle = START + timedelta(minutes=3)
    first = apply_events(IamState(), ordered, until=middle)
    rest = [e for e in ordered if e.time > middle]
    both = apply_events(first.copy(), rest)
    assert state_to_json(both) == state_to_json(apply_events(IamState(), ordered))


@settings(max_examples=300, deadline=None)
@given(events(), st.integers(0, 25), st.booleans())
def test_the_journal_names_every_entity_a_replay_changes(
    batch: list[Event], split: int, baseline: bool
) -> None:
    # what lets a diff compare only the journal's entities (``replayed=True``); the
    # window starts after a prefix of the events, so it also changes entities that exist
    base = _start(baseline)
    ordered = sorted(batch, key=event_order)
    start = apply_events(base, ordered[:split])
    window = ordered[split:]
    journal = Journal()
    end = apply_events(start.copy(), window, None, journal)
    everything = compute_changes(start, end, window, journal=journal)
    assert not [c for c in everything if c.details.get("unattributed")]
    assert compute_changes(start, end, window, journal=journal, replayed=True) == everything


@settings(max_examples=200, deadline=None)
@given(events(), st.booleans())
def test_snapshots_read_typed_as_field_by_field(batch: list[Event], baseline: bool) -> None:
    # the typed reader (msgspec) must take every state replay makes, and agree with the
    # field-by-field reader it falls back to
    state = apply_events(_start(baseline), sorted(batch, key=event_order))
    payload = state_to_bytes(state)
    assert decode_declared(payload, SNAPSHOT_FORMAT) is not None
    typed = state_from_bytes(payload)
    assert state_to_json(typed) == state_to_json(state_from_json(orjson.loads(payload)))
    assert typed.names == state.names
