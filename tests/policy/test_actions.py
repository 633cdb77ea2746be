"""Action catalog expansion, allowed_actions (Deny, NotAction) and action_delta."""

from __future__ import annotations

import time
from typing import Any

import pytest

from auditor.policy.actions import (
    ActionCatalog,
    action_delta,
    action_matches,
    allowed_actions,
    load_action_catalog,
)
from auditor.policy.document import PolicyDocument, parse_policy
from auditor.policy.tables import TableSource

SMALL = ActionCatalog(
    {
        "s3:GetObject": "R",
        "s3:GetObjectAcl": "R",
        "s3:PutObject": "W",
        "s3:ListBucket": "L",
        "iam:PassRole": "W",
        "iam:PutRolePolicy": "P",
        "iam:TagRole": "T",
        "s3-outposts:GetObject": "R",
    },
    TableSource("test", "1", "2026-01-01", "MIT", ""),
)


def doc(*statements: dict[str, Any]) -> PolicyDocument:
    document = parse_policy({"Version": "2012-10-17", "Statement": list(statements)})
    assert document is not None
    return document


@pytest.mark.parametrize(
    ("pattern", "expected"),
    [
        ("s3:GetObject", {"s3:GetObject"}),
        ("S3:getobject", {"s3:GetObject"}),
        ("s3:Get*", {"s3:GetObject", "s3:GetObjectAcl"}),
        ("s3:GetObjec?", {"s3:GetObject"}),
        ("s3:*", {"s3:GetObject", "s3:GetObjectAcl", "s3:PutObject", "s3:ListBucket"}),
        ("s3*:GetObject", {"s3:GetObject", "s3-outposts:GetObject"}),
        ("*:PassRole", {"iam:PassRole"}),
        ("iam:Nope*", set()),
        ("s3:NewAction", {"s3:NewAction"}),
        ("newsvc:Thing", {"newsvc:Thing"}),
        ("GetObject", set()),
        ("", set()),
    ],
)
def test_expand(pattern: str, expected: set[str]) -> None:
    assert SMALL.expand(pattern) == expected


def test_star_is_everything_and_precomputed() -> None:
    assert SMALL.expand("*") is SMALL.all_actions()
    assert SMALL.expand("**") == SMALL.all_actions()
    assert len(SMALL.all_actions()) == 8


def test_access_levels() -> None:
    assert SMALL.access_level("IAM:putrolepolicy") == "Permissions management"
    assert SMALL.access_level("iam:TagRole") == "Tagging"
    assert SMALL.access_level("nope:Nope") is None
    assert SMALL.actions_with_access_level("Read") == {
        "s3:GetObject",
        "s3:GetObjectAcl",
        "s3-outposts:GetObject",
    }


def test_action_matches() -> None:
    assert action_matches("sts:Assume*", "sts:AssumeRoleWithSAML")
    assert not action_matches("sts:Assume?", "sts:AssumeRole")


def test_not_action_is_all_minus_listed() -> None:
    document = doc({"Effect": "Allow", "NotAction": ["s3:*", "iam:Pass*"], "Resource": "*"})
    assert allowed_actions([document], SMALL) == {
        "iam:PutRolePolicy",
        "iam:TagRole",
        "s3-outposts:GetObject",
    }


def test_unconditional_deny_on_star_subtracts_and_conditional_does_not() -> None:
    grant = {"Effect": "Allow", "Action": "s3:*", "Resource": "*"}
    deny = {"Effect": "Deny", "Action": "s3:Put*", "Resource": "*"}
    assert "s3:PutObject" not in allowed_actions([doc(grant, deny)], SMALL)
    conditional = dict(deny, Condition={"Bool": {"aws:SecureTransport": "false"}})
    assert "s3:PutObject" in allowed_actions([doc(grant, conditional)], SMALL)
    scoped = dict(deny, Resource="arn:aws:s3:::bucket/*")
    assert "s3:PutObject" in allowed_actions([doc(grant, scoped)], SMALL)
    # A Deny in one policy also removes what another policy allows.
    assert "s3:PutObject" not in allowed_actions([doc(grant), doc(deny)], SMALL)


def test_deny_with_not_action_keeps_only_the_exceptions() -> None:
    grant = {"Effect": "Allow", "Action": "*", "Resource": "*"}
    deny = {"Effect": "Deny", "NotAction": "s3:GetObject", "Resource": "*"}
    assert allowed_actions([doc(grant, deny)], SMALL) == {"s3:GetObject"}


def test_allow_is_resource_agnostic() -> None:
    scoped = {"Effect": "Allow", "Action": "iam:PassRole", "Resource": "arn:aws:iam::1:role/x"}
    assert allowed_actions([doc(scoped)], SMALL) == {"iam:PassRole"}


def test_action_delta() -> None:
    before = [
        doc({"Effect": "Allow", "Action": ["s3:GetObject", "s3:ListBucket"], "Resource": "*"})
    ]
    after = [doc({"Effect": "Allow", "Action": ["s3:Get*", "iam:PassRole"], "Resource": "*"})]
    delta = action_delta(before, after, SMALL)
    assert delta.gained == ("iam:PassRole", "s3:GetObjectAcl")
    assert delta.lost == ("s3:ListBucket",)


def test_shipped_catalog_expansion_and_speed() -> None:
    catalog = load_action_catalog()
    assert len(catalog) > 18_000
    assert "sts:AssumeRoot" in catalog.all_actions()
    assert catalog.expand("iam:PassRole") == {"iam:PassRole"}
    assert {"ssm:GetParameter", "ssm:GetParameters", "ssm:GetParametersByPath"} <= catalog.expand(
        "ssm:getparameter*"
    )
    assert catalog.access_level("iam:AttachRolePolicy") == "Permissions management"
    assert catalog.access_level("s3:ListAllMyBuckets") == "List"
    admin = doc({"Effect": "Allow", "Action": "*", "Resource": "*"})
    start = time.perf_counter()
    for _ in range(100):
        assert len(allowed_actions([admin], catalog)) == len(catalog)
    assert time.perf_counter() - start < 1.0  # 100 × AdministratorAccess under a second
