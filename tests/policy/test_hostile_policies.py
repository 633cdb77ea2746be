"""Hostile policy documents finish in seconds, and the grants after them are still reported.

Each case is a PutUserPolicy whose document is shaped to make wildcard matching or
expansion super-linear, followed by an AdministratorAccess attachment, run through the
engine with the whole built-in pack in a child process (a stall becomes a timeout).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import orjson
import pytest

from tests.ingest.records import record
from tests.policy.engine_run import findings_of

ADMIN_ARN = "arn:aws:iam::aws:policy/AdministratorAccess"


def _put_user_policy(statements: list[dict[str, Any]]) -> dict[str, Any]:
    document = orjson.dumps({"Version": "2012-10-17", "Statement": statements}).decode()
    parameters = {"userName": "bob", "policyName": "p", "policyDocument": document}
    return record("e1", name="PutUserPolicy", requestParameters=parameters)


def _then_admin(statements: list[dict[str, Any]]) -> list[dict[str, Any]]:
    attach = record(
        "e2",
        name="AttachUserPolicy",
        time="2026-11-02T10:05:00Z",
        requestParameters={"userName": "bob", "policyArn": ADMIN_ARN},
    )
    return [_put_user_policy(statements), attach]


def _allow(action: object, resource: object = "*", **more: object) -> dict[str, Any]:
    return {"Effect": "Allow", "Action": action, "Resource": resource, **more}


STAR_MARK = "iam:" + "*?" * 11 + "*!"  # the issue's 120-byte document
HOSTILE = {
    "star-question-pairs": [_allow(STAR_MARK)],
    "star-question-any-service": [_allow("*:" + "*?" * 40 + "*!")],
    "service-wildcard-pairs": [_allow("*?" * 30 + "*:" + "*?" * 30 + "!")],
    "many-stars-then-miss": [_allow("iam:" + "a*" * 60 + "b")],
    "very-long-pattern": [_allow("*:" + "*a?" * 5000 + "*!")],
    "not-action-pairs": [{"Effect": "Allow", "NotAction": STAR_MARK, "Resource": "*"}],
    "many-statements": [_allow(f"iam:{'*?' * 8}*{i}") for i in range(400)],
    "huge-action-list": [_allow([f"*:{'?' * (i % 7)}*x{i}*" for i in range(3000)])],
    "not-action-repeated": [
        {"Effect": "Allow", "NotAction": [f"s3:Get{i}*"], "Resource": "*"} for i in range(500)
    ],
    "hostile-resources": [_allow("s3:GetObject", ["arn:aws:s3:::" + "*?" * 40 + "!"] * 200)],
    "hostile-conditions": [
        _allow(
            "s3:GetObject",
            Condition={"StringLike": {f"aws:k{i}": "*?" * 40 + "!" for i in range(500)}},
        )
    ],
}


@pytest.mark.parametrize("statements", HOSTILE.values(), ids=HOSTILE.keys())
def test_a_hostile_document_does_not_stall_the_run(
    statements: list[dict[str, Any]], tmp_path: Path
) -> None:
    findings = findings_of(_then_admin(statements), tmp_path)
    assert ("iam_policy_admin_granted", "critical", "e2") in findings


def test_the_issue_example_is_120_bytes_and_grants_nothing_by_itself(tmp_path: Path) -> None:
    document = orjson.dumps({"Version": "2012-10-17", "Statement": [_allow(STAR_MARK)]})
    assert len(document) <= 120
    findings = findings_of([_put_user_policy([_allow(STAR_MARK)])], tmp_path)
    assert not [f for f in findings if f[0] == "iam_policy_admin_granted"]
