"""What the demo contains: baselines, parseable documents, the intrusion, the hostile strings."""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path
from typing import Any
from urllib.parse import unquote

import pytest

from auditor.demo import (
    DEMO_KNOWN_ACCOUNTS,
    DEMO_ORGANIZATION_ACCOUNTS,
    DEMO_STORY,
    DEMO_WINDOW,
    build_demo_baselines,
    build_demo_records,
    write_demo_baselines,
)

PROD = "222222222222"
IAM_SET = {"iam.amazonaws.com", "sts.amazonaws.com", "signin.amazonaws.com"}
DOCUMENT_KEYS = ("policyDocument", "assumeRolePolicyDocument")


@pytest.fixture(scope="module")
def records() -> list[dict[str, Any]]:
    return build_demo_records()


def _named(records: list[dict[str, Any]], name: str, **request: Any) -> list[dict[str, Any]]:
    return [
        r
        for r in records
        if r["eventName"] == name
        and all((r["requestParameters"] or {}).get(k) == v for k, v in request.items())
    ]


def test_public_constants() -> None:
    assert DEMO_ORGANIZATION_ACCOUNTS == ("111111111111", PROD, "333333333333")
    assert DEMO_KNOWN_ACCOUNTS == {"464622532012": "Datadog"}
    assert DEMO_WINDOW[0] < DEMO_WINDOW[1]


def test_baselines_have_cli_shape_and_the_backdoored_role(tmp_path: Path) -> None:
    baselines = build_demo_baselines()
    assert [account for account, _, _ in baselines] == list(DEMO_ORGANIZATION_ACCOUNTS)
    for _, at, document in baselines:
        assert at == DEMO_WINDOW[0]
        assert list(document) == ["UserDetailList", "GroupDetailList", "RoleDetailList", "Policies"]
        for role in document["RoleDetailList"]:
            assert isinstance(role["AssumeRolePolicyDocument"], dict)
        for policy in document["Policies"]:
            assert all(isinstance(v["Document"], dict) for v in policy["PolicyVersionList"])
    prod = {a: d for a, _, d in baselines}[PROD]
    role = next(r for r in prod["RoleDetailList"] if r["RoleName"] == "ops-automation")
    principals = [s["Principal"]["AWS"] for s in role["AssumeRolePolicyDocument"]["Statement"]]
    assert principals == ["arn:aws:iam::111111111111:role/terraform-ci"]
    assert {u["UserName"] for u in prod["UserDetailList"]} >= {"alice"}
    assert "svc-backup" not in {u["UserName"] for u in prod["UserDetailList"]}
    paths = write_demo_baselines(tmp_path)
    assert [json.loads(p.read_text()) for p in paths] == [d for _, _, d in baselines]


def test_policy_documents_are_json_strings(records: list[dict[str, Any]]) -> None:
    seen = 0
    for record in records:
        request = record["requestParameters"] or {}
        for key in DOCUMENT_KEYS:
            if key in request:
                assert isinstance(request[key], str)
                assert "Statement" in json.loads(request[key])
                seen += 1
        if record["eventName"] == "CreateRole":
            encoded = record["responseElements"]["role"]["assumeRolePolicyDocument"]
            assert encoded.startswith("%7B")
            assert unquote(encoded) == request["assumeRolePolicyDocument"]
    assert seen >= 12
    omitted = [
        r
        for r in records
        if r["requestParameters"] == {"reason": "requestParameters too large", "omitted": True}
    ]
    assert [r["eventName"] for r in omitted] == ["PutRolePolicy"]


def test_volume_and_mix(records: list[dict[str, Any]]) -> None:
    sources = Counter(r["eventSource"] for r in records)
    share = sum(sources[s] for s in IAM_SET) / len(records)
    assert 2000 <= len(records) <= 3000
    assert 0.2 <= share <= 0.32
    service = [r for r in records if r["userIdentity"]["type"] == "AWSService"]
    assert len(service) > 200
    sso = [
        r for r in _named(records, "ConsoleLogin") if "SamlProviderArn" in r["additionalEventData"]
    ]
    assert sso and all(r["additionalEventData"]["MFAUsed"] == "No" for r in sso)
    assert _named(records, "AssumeRoleWithSAML") and _named(records, "GetCallerIdentity")


def test_vendor_trust_has_external_id(records: list[dict[str, Any]]) -> None:
    (create,) = _named(records, "CreateRole", roleName="DatadogIntegrationRole")
    trust = json.loads(create["requestParameters"]["assumeRolePolicyDocument"])
    statement = trust["Statement"][0]
    assert statement["Principal"]["AWS"] == "arn:aws:iam::464622532012:root"
    assert "sts:ExternalId" in statement["Condition"]["StringEquals"]
    polls = [
        r
        for r in _named(records, "AssumeRole")
        if r["userIdentity"].get("accountId") == "464622532012"
    ]
    assert polls and all(r["requestParameters"]["externalId"] for r in polls)


def test_intrusion_events_are_present(records: list[dict[str, Any]]) -> None:
    day = [r for r in records if r["eventTime"].startswith("2026-11-12T0")]
    logins = [r for r in day if r["eventName"] == "ConsoleLogin"]
    assert [r["responseElements"]["ConsoleLogin"] for r in logins] == ["Failure"] * 4 + ["Success"]
    assert logins[-1]["userIdentity"]["userName"] == "alice"
    assert logins[-1]["additionalEventData"]["MFAUsed"] == "No"
    assert logins[-1]["sourceIPAddress"] == "5.188.206.14"
    assert _named(day, "CreateUser", userName="svc-backup")
    (key,) = _named(day, "CreateAccessKey", userName="svc-backup")
    assert key["userIdentity"]["userName"] == "alice"
    (admin,) = _named(day, "AttachUserPolicy", userName="svc-backup")
    assert admin["requestParameters"]["policyArn"] == "arn:aws:iam::aws:policy/AdministratorAccess"
    (privesc,) = _named(day, "PutUserPolicy", userName="svc-backup")
    actions = {
        a
        for s in json.loads(privesc["requestParameters"]["policyDocument"])["Statement"]
        for a in ([s["Action"]] if isinstance(s["Action"], str) else s["Action"])
    }
    assert actions == {"iam:PassRole", "lambda:CreateFunction", "lambda:InvokeFunction"}
    (trust,) = _named(day, "UpdateAssumeRolePolicy", roleName="ops-automation")
    document = json.loads(trust["requestParameters"]["policyDocument"])
    outside = [
        s
        for s in document["Statement"]
        if s["Principal"].get("AWS") == "arn:aws:iam::999988887777:root"
    ]
    assert outside and "Condition" not in outside[0]
    assumed = [
        r
        for r in day
        if r["eventName"] == "AssumeRole"
        and r["userIdentity"]["type"] == "AWSAccount"
        and r["userIdentity"]["accountId"] == "999988887777"
    ]
    assert len(assumed) == 2 and set(assumed[0]["userIdentity"]) == {
        "type",
        "principalId",
        "accountId",
    }
    (stop,) = _named(day, "StopLogging")
    assert stop["awsRegion"] == "eu-west-1"
    denied = [r for r in day if r.get("errorCode") == "AccessDenied"]
    assert len(denied) == 3
    assert all(r["eventSource"] == "iam.amazonaws.com" for r in denied)
    assert all(r["requestParameters"] is None and r["responseElements"] is None for r in denied)


def test_hostile_strings_are_present(records: list[dict[str, Any]]) -> None:
    text = json.dumps(records)
    assert "<script>alert(1)</script>" in text
    assert "<img src=x onerror=alert(1)>" in text
    assert any("|" in r["userAgent"] and "`" in r["userAgent"] for r in records)


def test_story_matches_records(records: list[dict[str, Any]]) -> None:
    times = {r["eventTime"] for r in records}
    assert len(DEMO_STORY) >= 10
    for line in DEMO_STORY:
        stamp = line.split()[0]
        assert stamp in times, line
