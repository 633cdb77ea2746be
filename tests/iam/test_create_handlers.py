"""Create* handlers: where the new entity's ARN, path and id come from, and a name reused."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest

from auditor.iam.replay import replay
from auditor.iam.state import IamState
from tests.iam.builders import ACCOUNT, doc, event, trust

PREFIX = f"arn:aws:iam::{ACCOUNT}"

# event, request name key, family, table attribute, response part, response id key
CREATIONS = [
    ("CreateUser", "userName", "user", "users", "user", "userId"),
    ("CreateGroup", "groupName", "group", "groups", "group", "groupId"),
    ("CreateRole", "roleName", "role", "roles", "role", "roleId"),
    (
        "CreateInstanceProfile",
        "instanceProfileName",
        "instance-profile",
        "instance_profiles",
        "instanceProfile",
        "instanceProfileId",
    ),
    ("CreatePolicy", "policyName", "policy", "policies", "policy", "policyId"),
]
IDS = [row[0] for row in CREATIONS]


def _request(name_key: str, name: str, **extra: Any) -> dict[str, Any]:
    request: dict[str, Any] = {name_key: name, **extra}
    if name_key == "roleName":
        request["assumeRolePolicyDocument"] = doc(trust(f"{PREFIX}:root"))
    if name_key == "policyName":
        request["policyDocument"] = doc({"Version": "2012-10-17", "Statement": []})
    return request


@pytest.mark.parametrize(("name", "key", "arn_kind", "table", "part", "id_key"), CREATIONS, ids=IDS)
def test_arn_and_id_come_from_the_response(
    name: str, key: str, arn_kind: str, table: str, part: str, id_key: str
) -> None:
    # a partition the caller's ARN does not name: only the response can give this ARN
    arn = f"arn:aws-us-gov:iam::{ACCOUNT}:{arn_kind}/team/x"
    response = {part: {"arn": arn, id_key: "ID123", "path": "/team/"}}
    request = _request(key, "x", path="/team/")
    state = replay(IamState(), [event(name, timedelta(0), request, response)])
    entity = getattr(state, table)[arn]
    assert (entity.name, entity.path, entity.entity_id) == ("x", "/team/", "ID123")
    assert entity.origin == "event"
    assert not state.anomalies


@pytest.mark.parametrize(("name", "key", "arn_kind", "table", "part", "id_key"), CREATIONS, ids=IDS)
def test_without_a_response_the_arn_is_built_from_the_name_and_path(
    name: str, key: str, arn_kind: str, table: str, part: str, id_key: str
) -> None:
    request = _request(key, "x", path="/team")
    state = replay(IamState(), [event(name, timedelta(0), request)])
    entity = getattr(state, table)[f"{PREFIX}:{arn_kind}/team/x"]
    assert (entity.path, entity.entity_id) == ("/team/", None)


@pytest.mark.parametrize(
    ("name", "key", "arn_kind", "table", "part", "id_key"), CREATIONS[:4], ids=IDS[:4]
)
def test_a_name_already_taken_is_noted_and_the_old_entity_replaced(
    name: str, key: str, arn_kind: str, table: str, part: str, id_key: str
) -> None:
    first = event(name, timedelta(0), _request(key, "x", path="/old/"))
    second = event(name, timedelta(hours=1), _request(key, "x"))
    state = replay(IamState(), [first, second])
    entities = getattr(state, table)
    assert list(entities) == [f"{PREFIX}:{arn_kind}/x"]
    assert entities[f"{PREFIX}:{arn_kind}/x"].origin_event == second.event_id
    label = arn_kind.replace("-", " ")
    assert [a.reason for a in state.anomalies] == [
        f"{label} x already existed in the state; replaced"
    ]


def test_a_user_created_again_loses_the_memberships_of_the_old_one() -> None:
    events = [
        event("CreateGroup", timedelta(0), {"groupName": "devs"}),
        event("CreateUser", timedelta(minutes=1), {"userName": "bob"}),
        event("AddUserToGroup", timedelta(minutes=2), {"userName": "bob", "groupName": "devs"}),
        event("CreateUser", timedelta(minutes=3), {"userName": "bob"}),
    ]
    state = replay(IamState(), events)
    assert state.users[f"{PREFIX}:user/bob"].groups == frozenset()
    assert state.groups[f"{PREFIX}:group/devs"].members == frozenset()


def test_a_service_linked_role_takes_its_path_from_the_response_or_the_service() -> None:
    service = "elasticbeanstalk.amazonaws.com"
    given = {"role": {"roleName": "AWSServiceRoleForA", "path": "/aws-service-role/a/"}}
    absent = {"role": {"roleName": "AWSServiceRoleForB"}}
    events = [
        event("CreateServiceLinkedRole", timedelta(0), {"aWSServiceName": service}, given),
        event("CreateServiceLinkedRole", timedelta(1), {"aWSServiceName": service}, absent),
    ]
    state = replay(IamState(), events)
    a = state.roles[f"{PREFIX}:role/aws-service-role/a/AWSServiceRoleForA"]
    b = state.roles[f"{PREFIX}:role/aws-service-role/{service}/AWSServiceRoleForB"]
    assert a.service_linked and b.service_linked
    assert b.trust is not None and b.trust.parsed() is not None
