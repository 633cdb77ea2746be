"""A baseline and a week of IAM events, the scenario several tests replay."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from tests.iam.builders import ACCOUNT, EXTERNAL, doc, policy, record, trust

ADMIN = "arn:aws:iam::aws:policy/AdministratorAccess"
DEPLOY = f"arn:aws:iam::{ACCOUNT}:policy/deploy"
ALICE = f"arn:aws:iam::{ACCOUNT}:user/alice"
CAROL = f"arn:aws:iam::{ACCOUNT}:user/carol"
TEMP = f"arn:aws:iam::{ACCOUNT}:user/temp"
DEPLOYER = f"arn:aws:iam::{ACCOUNT}:role/deployer"
ALICE_ACTOR = {"type": "IAMUser", "arn": ALICE, "accountId": ACCOUNT, "userName": "alice"}


def day(n: int, hour: int = 9, minute: int = 0) -> timedelta:
    """An offset from the baseline instant."""
    return timedelta(days=n, hours=hour, minutes=minute)


def week() -> list[dict[str, Any]]:
    """The records, in no particular order (replay sorts them)."""
    backdoor = trust(ALICE, f"arn:aws:iam::{EXTERNAL}:root")
    records = [
        record(
            "CreateUser", day(1), {"userName": "carol"}, {"user": {"arn": CAROL}}, event_id="c1"
        ),
        record("AddUserToGroup", day(1, 9, 5), {"userName": "carol", "groupName": "devs"}),
        record("AttachUserPolicy", day(1, 10), {"userName": "carol", "policyArn": ADMIN}),
        record(
            "CreatePolicyVersion",
            day(2),
            {"policyArn": DEPLOY, "policyDocument": doc(policy("iam:*")), "setAsDefault": True},
            {"policyVersion": {"versionId": "v3", "isDefaultVersion": True}},
        ),
        record("SetDefaultPolicyVersion", day(3), {"policyArn": DEPLOY, "versionId": "v1"}),
        record(
            "UpdateAssumeRolePolicy",
            day(3, 12),
            {"roleName": "deployer", "policyDocument": doc(backdoor)},
            event_id="backdoor",
        ),
        record("CreateUser", day(4), {"userName": "temp"}, event_id="t1"),
        record("DeleteUser", day(4, 10), {"userName": "temp"}, event_id="t2"),
        record("DeleteRole", day(4, 11), {"roleName": "deployer"}, error="AccessDenied"),
        record("DeleteUserPolicy", day(5), {"userName": "alice", "policyName": "s3-read"}),
        record("AttachUserPolicy", day(5, 10), {"userName": "alice", "policyArn": ADMIN}),
        record("DetachUserPolicy", day(5, 11), {"userName": "alice", "policyArn": ADMIN}),
        record("DetachUserPolicy", day(6), {"userName": "carol", "policyArn": ADMIN}),
    ]
    records.extend(
        record(
            "AssumeRole",
            day(5, 14, minute),
            {"roleArn": DEPLOYER, "roleSessionName": "s"},
            source="sts.amazonaws.com",
            actor=ALICE_ACTOR,
        )
        for minute in (0, 30)
    )
    records.append(
        record(
            "ConsoleLogin",
            day(6, 8),
            None,
            {"ConsoleLogin": "Success"},
            source="signin.amazonaws.com",
            actor=ALICE_ACTOR,
        )
    )
    return records[::-1]
