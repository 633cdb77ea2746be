"""parse_policy: shapes CloudTrail and IAM deliver, normalization, and fuzzing."""

from __future__ import annotations

import json
from urllib.parse import quote

from hypothesis import given, settings
from hypothesis import strategies as st

from auditor.policy.document import Condition, PolicyDocument, Statement, parse_policy
from auditor.policy.risk import risky_grants
from auditor.policy.text import read_policy_text
from auditor.policy.trust import OrganizationContext, classify_trust

TRUST = {
    "Version": "2012-10-17",
    "Statement": {
        "Sid": "X",
        "Effect": "Allow",
        "Principal": {"AWS": "123456789012", "Service": ["ec2.amazonaws.com"]},
        "Action": "sts:AssumeRole",
        "Condition": {"StringEquals": {"sts:ExternalId": "abc"}, "Bool": {"aws:X": True}},
    },
}


def test_single_statement_object_and_scalars_become_tuples() -> None:
    document = parse_policy(TRUST)
    assert document is not None
    (statement,) = document.statements
    assert statement.sid == "X"
    assert statement.actions == ("sts:AssumeRole",)
    assert statement.principals == (
        ("AWS", "arn:aws:iam::123456789012:root"),
        ("Service", "ec2.amazonaws.com"),
    )
    assert statement.conditions == (
        Condition("StringEquals", "sts:ExternalId", ("abc",)),
        Condition("Bool", "aws:X", ("true",)),
    )


def test_json_string_url_encoded_and_policy_text_agree() -> None:
    text = json.dumps(TRUST)
    from_json = parse_policy(text)
    assert from_json is not None
    assert parse_policy(quote(text)) == from_json
    assert parse_policy(read_policy_text(text)) == from_json
    assert parse_policy(from_json) is from_json


def test_principal_star_string_and_effect_case() -> None:
    document = parse_policy(
        {"Statement": [{"Effect": "allow", "Principal": "*", "NotAction": "iam:*"}]}
    )
    assert document is not None
    (statement,) = document.statements
    assert statement.is_allow
    assert statement.principals == (("*", "*"),)
    assert statement.not_actions == ("iam:*",)
    assert document.version is None


def test_not_a_policy_returns_none() -> None:
    for value in (None, 3, "", "not json", "[1, 2]", {"Version": "2012-10-17"}, {"Statement": 4}):
        assert parse_policy(value) is None


def test_odd_statements_are_skipped_not_fatal() -> None:
    document = parse_policy(
        {"Statement": [1, "x", {"Effect": "Deny", "Action": [1, None, "s3:*"]}]}
    )
    assert document is not None
    (statement,) = document.statements
    assert statement.is_deny
    assert statement.actions == ("1", "s3:*")


def test_to_dict_round_trips() -> None:
    document = parse_policy(TRUST)
    assert document is not None
    assert parse_policy(document.to_dict()) == document
    assert document.to_dict()["Statement"][0]["Principal"]["AWS"] == [
        "arn:aws:iam::123456789012:root"
    ]


def test_covers_all_resources() -> None:
    def statement(resource: str) -> Statement:
        return Statement(sid=None, effect="Allow", resources=(resource,))

    assert statement("*").covers_all_resources
    assert statement("arn:aws:*:*:*:*").covers_all_resources
    assert statement("arn:*").covers_all_resources
    assert not statement("arn:aws:s3:::*").covers_all_resources
    assert not statement("arn:aws:iam::123456789012:role/*").covers_all_resources


json_values = st.recursive(
    st.none()
    | st.booleans()
    | st.integers(-(2**63), 2**63 - 1)
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(),
    lambda children: (
        st.lists(children, max_size=4)
        | st.dictionaries(
            st.sampled_from(
                [
                    "Statement",
                    "Effect",
                    "Action",
                    "NotAction",
                    "Resource",
                    "Principal",
                    "AWS",
                    "Condition",
                    "StringEquals",
                    "Sid",
                    "Version",
                    "NotPrincipal",
                    "x",
                ]
            )
            | st.text(max_size=5),
            children,
            max_size=5,
        )
    ),
    max_leaves=30,
)


@settings(max_examples=400, deadline=None)
@given(json_values)
def test_parse_policy_never_raises(value: object) -> None:
    result = parse_policy(value)
    assert result is None or isinstance(result, PolicyDocument)
    if isinstance(value, dict | list):
        assert parse_policy(json.dumps(value)) == result or result is None
    if result is not None:
        assert parse_policy(result.to_dict()) is not None
        # Downstream analysis must not raise on odd documents either.
        classify_trust(result, OrganizationContext("111122223333"))
        risky_grants(result)
