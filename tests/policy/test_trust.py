"""classify_trust on real trust-policy shapes, and principal deltas."""

from __future__ import annotations

from typing import Any

import pytest

from auditor.policy.document import parse_policy
from auditor.policy.known_accounts import load_known_accounts
from auditor.policy.trust import (
    OrganizationContext,
    TrustedPrincipal,
    classify_trust,
    principal_delta,
    weakened_principals,
)

OWNER = "111122223333"
ORG_MEMBER = "444455556666"
STRANGER = "999988887777"
DATADOG = "464622532012"
GITHUB = "token.actions.githubusercontent.com"
EKS = "oidc.eks.us-west-2.amazonaws.com/id/EXAMPLED539D4633E53DE1B71EXAMPLE"
CTX = OrganizationContext(
    owner_account=OWNER,
    org_accounts=frozenset({OWNER, ORG_MEMBER}),
    known_accounts=load_known_accounts(),
)


def trust(*statements: dict[str, Any]) -> tuple[TrustedPrincipal, ...]:
    document = parse_policy({"Version": "2012-10-17", "Statement": list(statements)})
    assert document is not None
    return classify_trust(document, CTX)


def allow(principal: object, action: object = "sts:AssumeRole", **condition: Any) -> dict[str, Any]:
    statement: dict[str, Any] = {"Effect": "Allow", "Principal": principal, "Action": action}
    if condition:
        statement["Condition"] = condition
    return statement


def only(principals: tuple[TrustedPrincipal, ...]) -> TrustedPrincipal:
    assert len(principals) == 1, principals
    return principals[0]


def github(**condition: Any) -> TrustedPrincipal:
    federated = {"Federated": f"arn:aws:iam::{OWNER}:oidc-provider/{GITHUB}"}
    return only(trust(allow(federated, "sts:AssumeRoleWithWebIdentity", **condition)))


def test_github_oidc_with_repo_subject_is_pinned() -> None:
    principal = github(
        StringEquals={f"{GITHUB}:aud": "sts.amazonaws.com"},
        StringLike={f"{GITHUB}:sub": "repo:my-org/my-repo:ref:refs/heads/main"},
    )
    assert (principal.kind, principal.provider) == ("oidc", "github")
    assert principal.has_subject_condition
    assert principal.actions == ("sts:AssumeRoleWithWebIdentity",)
    assert principal.account_id == OWNER
    assert principal.risk == "info"
    assert not principal.is_risky


@pytest.mark.parametrize(
    "condition",
    [
        {"StringEquals": {f"{GITHUB}:aud": "sts.amazonaws.com"}},
        {"StringLike": {f"{GITHUB}:sub": "repo:*"}},
        {"StringLike": {f"{GITHUB}:sub": "*"}},
        {"StringNotEquals": {f"{GITHUB}:sub": "repo:evil/x"}},
        {"StringLikeIfExists": {f"{GITHUB}:sub": "repo:my-org/*"}},
    ],
)
def test_github_oidc_without_pinning_subject_is_critical(condition: dict[str, Any]) -> None:
    principal = github(**condition)
    assert not principal.has_subject_condition
    assert principal.risk == "critical"
    assert principal.is_risky


def test_eks_irsa() -> None:
    federated = {"Federated": f"arn:aws:iam::{OWNER}:oidc-provider/{EKS}"}
    pinned = only(
        trust(
            allow(
                federated,
                "sts:AssumeRoleWithWebIdentity",
                StringEquals={
                    f"{EKS}:sub": "system:serviceaccount:default:my-sa",
                    f"{EKS}:aud": "sts.amazonaws.com",
                },
            )
        )
    )
    assert (pinned.kind, pinned.provider, pinned.has_subject_condition) == ("oidc", "eks", True)
    loose = only(trust(allow(federated, "sts:AssumeRoleWithWebIdentity")))
    assert (loose.has_subject_condition, loose.risk) == (False, "high")


def test_cognito_needs_identity_pool_audience() -> None:
    federated = {"Federated": "cognito-identity.amazonaws.com"}
    loose = only(trust(allow(federated, "sts:AssumeRoleWithWebIdentity")))
    assert (loose.provider, loose.risk) == ("cognito", "critical")
    pool = {"cognito-identity.amazonaws.com:aud": "us-east-1:1234abcd-12ab-34cd-56ef-1234567890ab"}
    pinned = only(trust(allow(federated, "sts:AssumeRoleWithWebIdentity", StringEquals=pool)))
    assert pinned.has_subject_condition and pinned.risk == "info"


def test_saml() -> None:
    principal = only(
        trust(
            allow(
                {"Federated": f"arn:aws:iam::{OWNER}:saml-provider/Okta"},
                ["sts:AssumeRoleWithSAML", "sts:TagSession"],
                StringEquals={"SAML:aud": "https://signin.aws.amazon.com/saml"},
            )
        )
    )
    assert principal.kind == "saml"
    assert principal.actions == ("sts:AssumeRoleWithSAML", "sts:TagSession")
    assert principal.conditions == {
        "StringEquals": {"SAML:aud": ["https://signin.aws.amazon.com/saml"]}
    }


def test_cross_account_with_and_without_external_id() -> None:
    bare = only(trust(allow({"AWS": f"arn:aws:iam::{STRANGER}:root"})))
    assert (bare.kind, bare.account_id, bare.has_external_id, bare.risk) == (
        "external",
        STRANGER,
        False,
        "high",
    )
    guarded = only(trust(allow({"AWS": STRANGER}, StringEquals={"sts:ExternalId": "s3cr3t"})))
    assert guarded.principal == f"arn:aws:iam::{STRANGER}:root"
    assert guarded.has_external_id and guarded.risk == "medium"
    with_mfa = only(trust(allow({"AWS": STRANGER}, Bool={"aws:MultiFactorAuthPresent": "true"})))
    assert with_mfa.requires_mfa and with_mfa.risk == "medium"


def test_vendor_same_account_and_organization() -> None:
    vendor = only(trust(allow({"AWS": f"arn:aws:iam::{DATADOG}:root"})))
    assert (vendor.kind, vendor.vendor, vendor.risk) == ("vendor", "Datadog", "medium")
    vendor_ok = only(trust(allow({"AWS": DATADOG}, StringEquals={"sts:ExternalId": "x"})))
    assert vendor_ok.risk == "info"
    same = only(trust(allow({"AWS": f"arn:aws:iam::{OWNER}:role/deployer"})))
    assert (same.kind, same.account_id) == ("same-account", OWNER)
    member = only(trust(allow({"AWS": f"arn:aws:sts::{ORG_MEMBER}:assumed-role/ci/session"})))
    assert (member.kind, member.account_id, member.risk) == ("organization", ORG_MEMBER, "info")


def test_public_star() -> None:
    for principal in ("*", {"AWS": "*"}, {"AWS": ["*"]}):
        found = only(trust(allow(principal)))
        assert (found.kind, found.principal, found.risk) == ("public", "*", "critical")
    conditioned = only(trust(allow("*", IpAddress={"aws:SourceIp": "203.0.113.0/24"})))
    assert (conditioned.kind, conditioned.risk) == ("public", "high")


def test_star_constrained_to_the_organization_is_not_public() -> None:
    by_org = only(trust(allow("*", StringEquals={"aws:PrincipalOrgID": "o-a1b2c3d4e5"})))
    assert (by_org.kind, by_org.has_org_condition, by_org.risk) == ("organization", True, "info")
    by_account = only(trust(allow({"AWS": "*"}, StringEquals={"aws:PrincipalAccount": ORG_MEMBER})))
    assert (by_account.kind, by_account.account_id) == ("organization", ORG_MEMBER)
    leaking = only(trust(allow("*", StringEquals={"aws:PrincipalAccount": [OWNER, STRANGER]})))
    assert (leaking.kind, leaking.account_id) == ("external", STRANGER)
    assert not leaking.has_org_condition and leaking.risk == "high"
    assert by_account.has_org_condition
    negated = only(trust(allow("*", StringNotEquals={"aws:PrincipalOrgID": "o-a1b2c3d4e5"})))
    assert negated.kind == "public"
    by_arn = only(trust(allow("*", ArnLike={"aws:PrincipalArn": f"arn:aws:iam::{OWNER}:role/x-*"})))
    assert by_arn.kind == "same-account"


def test_foreign_org_id_is_external_when_org_ids_are_known() -> None:
    document = parse_policy(
        {"Statement": [allow("*", StringEquals={"aws:PrincipalOrgID": "o-attacker"})]}
    )
    assert document is not None
    ctx = OrganizationContext(OWNER, frozenset({OWNER}), {}, org_ids=frozenset({"o-a1b2c3d4e5"}))
    foreign = only(classify_trust(document, ctx))
    assert (foreign.kind, foreign.has_org_condition, foreign.risk) == ("external", False, "high")


def test_deny_guard_rail_makes_star_organizational() -> None:
    guard = {
        "Effect": "Deny",
        "Principal": "*",
        "Action": "sts:AssumeRole",
        "Condition": {"StringNotEquals": {"aws:PrincipalOrgID": "o-a1b2c3d4e5"}},
    }
    assert only(trust(allow("*"), guard)).kind == "organization"


def test_unconditional_deny_removes_principals() -> None:
    deny_all = {"Effect": "Deny", "Principal": "*", "Action": "sts:*"}
    assert trust(allow({"AWS": STRANGER}), deny_all) == ()
    deny_one = {"Effect": "Deny", "Principal": {"AWS": STRANGER}, "Action": "sts:AssumeRole"}
    assert trust(allow({"AWS": [STRANGER, ORG_MEMBER]}), deny_one)[0].account_id == ORG_MEMBER


def test_service_with_and_without_source_constraint() -> None:
    compute = only(trust(allow({"Service": "lambda.amazonaws.com"})))
    assert (compute.kind, compute.has_source_constraint, compute.risk) == ("service", False, "info")
    loose = only(trust(allow({"Service": "config.amazonaws.com"})))
    assert (loose.has_source_constraint, loose.risk) == (False, "low")
    pinned = only(
        trust(allow({"Service": "config.amazonaws.com"}, StringEquals={"aws:SourceAccount": OWNER}))
    )
    assert (pinned.has_source_constraint, pinned.risk) == (True, "info")


def test_statements_without_assume_actions_are_ignored() -> None:
    assert trust(allow({"AWS": STRANGER}, "s3:GetObject")) == ()
    wildcard = only(trust(allow({"AWS": STRANGER}, "sts:Assume*")))
    assert "sts:AssumeRoleWithSAML" in wildcard.actions and "sts:TagSession" not in wildcard.actions


def test_allow_with_not_principal_is_public() -> None:
    statement = {"Effect": "Allow", "NotPrincipal": {"AWS": STRANGER}, "Action": "sts:AssumeRole"}
    assert only(trust(statement)).kind == "public"


def test_deleted_principal_unique_id_is_low() -> None:
    found = only(trust(allow({"AWS": "AROAEXAMPLEID1234567"})))
    assert (found.kind, found.account_id, found.risk) == ("external", None, "low")


def test_principal_delta_and_weakening() -> None:
    before = trust(
        allow({"AWS": STRANGER}, StringEquals={"sts:ExternalId": "x"}),
        allow({"Service": "ec2.amazonaws.com"}),
    )
    after = trust(allow({"AWS": STRANGER}), allow("*"))
    delta = principal_delta(before, after)
    gained, lost = delta
    assert [p.key for p in gained] == [("*", "public")]
    assert [p.key for p in lost] == [("ec2.amazonaws.com", "service")]
    assert [p.principal for p in weakened_principals(before, after)] == [
        f"arn:aws:iam::{STRANGER}:root"
    ]
    assert principal_delta(after, after) == ((), ())
