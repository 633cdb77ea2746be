"""Expansion caches keyed by policy text stay bounded, and equivalent patterns share work."""

from __future__ import annotations

import fnmatch

from auditor.policy.actions import CACHE_WEIGHT, load_action_catalog
from auditor.policy.document import Condition, PolicyDocument, Statement
from auditor.policy.trust import OrganizationContext, classify_trust


def test_equivalent_spellings_expand_once_and_alike() -> None:
    catalog = load_action_catalog()
    first = catalog.expand("iam:*?*?*Role")
    assert first is catalog.expand("IAM:??*role")
    assert "iam:CreateRole" in first


def test_many_distinct_not_action_statements_stay_within_the_cache_weight() -> None:
    catalog = load_action_catalog()
    for index in range(400):
        statement = Statement(None, "Allow", not_actions=(f"s3:Get{index}*",), resources=("*",))
        assert len(catalog.statement_actions(statement)) > 10_000
    assert catalog._statement_cache.weight <= CACHE_WEIGHT


def test_service_wildcards_match_like_the_literal_services() -> None:
    catalog = load_action_catalog()
    assert catalog.expand("*:GetObject") >= {"s3:GetObject"}
    expected = {a for a in catalog.all_actions() if fnmatch.fnmatch(a.lower(), "s?:*object")}
    assert catalog.expand("S?:*Object") == expected
    assert catalog.expand("*:" + "*?" * 60 + "*!") == frozenset()


def test_principals_of_one_statement_share_its_conditions() -> None:
    principals = tuple(("AWS", f"arn:aws:iam::{i:012d}:root") for i in range(2_000))
    statement = Statement(
        None,
        "Allow",
        actions=("sts:AssumeRole",),
        principals=principals,
        conditions=tuple(Condition("StringEquals", f"aws:k{i}", ("v",)) for i in range(2_000)),
    )
    trusted = classify_trust(PolicyDocument(None, (statement,)), OrganizationContext("1" * 12))
    assert len(trusted) == 2_000
    assert len({id(t.conditions) for t in trusted}) == 1
