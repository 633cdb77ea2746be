"""Severity is lowered only on signals the caller cannot forge (never the user agent)."""

from __future__ import annotations

import subprocess
from datetime import date
from pathlib import Path
from typing import Any

import orjson
import pytest

from auditor.automation import iac_hint, iac_tool
from auditor.config import AutomationSettings, ChecksSettings, Settings
from auditor.engine import analyze
from auditor.events import Event, normalize_record
from auditor.findings import Finding, Severity
from auditor.geo import Geoip2FastLookup
from auditor.history import History
from auditor.iam.state import IamState
from auditor.rules.base import RunContext
from auditor.rules.catalog import load_catalog
from auditor.workflow.summaries import changes_outside_iac
from tests.cli import run as run_cli
from tests.ingest.records import record, s3_path, write_trail_file

ACCOUNT = "111122223333"
ADMIN = "arn:aws:iam::aws:policy/AdministratorAccess"
TODAY = date(2026, 11, 2)
SERVICE_TRUST = {
    "Version": "2012-10-17",
    "Statement": [
        {
            "Effect": "Allow",
            "Principal": {"Service": "cloudformation.amazonaws.com"},
            "Action": "sts:AssumeRole",
        }
    ],
}


def _user(name: str) -> dict[str, Any]:
    return {
        "type": "IAMUser",
        "principalId": "AIDAEXAMPLE000000001",
        "arn": f"arn:aws:iam::{ACCOUNT}:user/{name}",
        "accountId": ACCOUNT,
        "accessKeyId": "AKIAEXAMPLE000000001",
        "userName": name,
    }


def _session(role_arn: str, session: str = "s", **extra: Any) -> dict[str, Any]:
    name = role_arn.rsplit("/", 1)[-1]
    return {
        "type": "AssumedRole",
        "principalId": f"AROAEXAMPLE000000001:{session}",
        "arn": f"arn:aws:sts::{ACCOUNT}:assumed-role/{name}/{session}",
        "accountId": ACCOUNT,
        "accessKeyId": "ASIAEXAMPLE000000001",
        "sessionContext": {
            "sessionIssuer": {
                "type": "Role",
                "principalId": "AROAEXAMPLE000000001",
                "arn": role_arn,
                "accountId": ACCOUNT,
                "userName": name,
            },
            "attributes": {"creationDate": "2026-11-02T09:00:00Z", "mfaAuthenticated": "false"},
        },
        **extra,
    }


def _attach_admin(event_id: str, identity: dict[str, Any], agent: str) -> dict[str, Any]:
    return record(
        event_id,
        name="AttachUserPolicy",
        userIdentity=identity,
        userAgent=agent,
        requestParameters={"userName": "mallory", "policyArn": ADMIN},
    )


def _create_role(event_id: str, name: str, trust: dict[str, Any]) -> dict[str, Any]:
    arn = f"arn:aws:iam::{ACCOUNT}:role/{name}"
    return record(
        event_id,
        name="CreateRole",
        time="2026-11-02T08:00:00Z",
        requestParameters={
            "roleName": name,
            "path": "/",
            "assumeRolePolicyDocument": orjson.dumps(trust).decode(),
        },
        responseElements={"role": {"roleName": name, "path": "/", "arn": arn}},
    )


def _events(*records: dict[str, Any]) -> list[Event]:
    events = [normalize_record(r) for r in records]
    assert all(isinstance(e, Event) for e in events)
    return [e for e in events if isinstance(e, Event)]


def _admin_findings(records: list[dict[str, Any]], settings: Settings | None = None) -> Finding:
    settings = settings or Settings()
    checks = ChecksSettings(enable=("iam_policy_admin_granted",))
    catalog = load_catalog(checks)
    run = RunContext(settings, History.empty(), Geoip2FastLookup())
    analysis = analyze(_events(*records), IamState(), catalog, run, TODAY)
    attach = [f for f in analysis.findings if "attach-1" in f.event_ids]
    assert len(attach) == 1, analysis.findings
    return attach[0]


def _run_cli(tmp_path: Path, records: list[dict[str, Any]]) -> subprocess.CompletedProcess[str]:
    logs = tmp_path / "logs"
    write_trail_file(s3_path(logs), records)
    config = tmp_path / "config.toml"
    config.write_text(
        f'[[sources]]\nkind = "local"\npaths = ["{logs}"]\n[report]\nformats = ["json"]\n',
        encoding="utf-8",
    )
    return run_cli("--config", str(config), "--db", "t.db", "run", "--out", "out", cwd=tmp_path)


@pytest.mark.parametrize(
    "agent", ["cloudformation.amazonaws.com", "Terraform/1.5.7 (+https://www.terraform.io)"]
)
def test_a_forged_user_agent_keeps_admin_granted_critical_and_fails_the_run(
    tmp_path: Path, agent: str
) -> None:
    result = _run_cli(tmp_path, [_attach_admin("attach-1", _user("mallory"), agent)])
    assert result.returncode == 1, result.stderr
    report = orjson.loads((tmp_path / "out" / "report.json").read_bytes())
    admin = [f for f in report["findings"] if f["check_id"] == "iam_policy_admin_granted"]
    assert [f["severity"] for f in admin] == ["critical"]
    details = admin[0]["details"]
    assert "automation" not in details
    assert "severity_lowered_from" not in details
    assert details["origin"] == "unknown"
    assert "not trusted" in details["user_agent_hint"]


def test_a_real_cloudformation_call_is_lowered() -> None:
    identity = _session(
        f"arn:aws:iam::{ACCOUNT}:role/deployer", invokedBy="cloudformation.amazonaws.com"
    )
    finding = _admin_findings([_attach_admin("attach-1", identity, "cloudformation.amazonaws.com")])
    assert finding.severity == Severity.MEDIUM
    assert finding.details["origin"] == "iac"
    assert finding.details["origin_signal"] == "invokedBy cloudformation.amazonaws.com"


def test_a_declared_automation_role_is_lowered_and_named() -> None:
    role = f"arn:aws:iam::{ACCOUNT}:role/ci/terraform-ci"
    declared = AutomationSettings("terraform-ci", (f"arn:aws:iam::{ACCOUNT}:role/ci/terraform-*",))
    records = [_attach_admin("attach-1", _session(role), "aws-sdk-go/1.44")]
    finding = _admin_findings(records, Settings(automation=(declared,)))
    assert finding.severity == Severity.MEDIUM
    assert finding.details["automation"] == "terraform-ci"
    assert finding.details["origin"] == "iac"
    assert _admin_findings(records).severity == Severity.CRITICAL  # not declared: not lowered


def test_a_role_only_cloudformation_can_assume_is_lowered() -> None:
    role = f"arn:aws:iam::{ACCOUNT}:role/stack-role"
    records = [
        _create_role("create-1", "stack-role", SERVICE_TRUST),
        _attach_admin("attach-1", _session(role), "aws-cli/2.15"),
    ]
    finding = _admin_findings(records)
    assert finding.severity == Severity.MEDIUM
    assert finding.details["origin"] == "aws-service"
    assert "cloudformation.amazonaws.com" in finding.details["origin_signal"]


@pytest.mark.parametrize(
    "principal",
    [
        {"AWS": f"arn:aws:iam::{ACCOUNT}:root"},
        {"AWS": "arn:aws:iam::999988887777:root"},
        {"Service": "ec2.amazonaws.com"},  # instance credentials are stolen and used anywhere
        {"Service": "lambda.amazonaws.com"},
        {"Service": "cloudformation.amazonaws.com", "AWS": f"arn:aws:iam::{ACCOUNT}:root"},
    ],
)
def test_a_role_that_someone_else_can_assume_is_not_lowered(principal: dict[str, Any]) -> None:
    trust = {**SERVICE_TRUST, "Statement": [{**SERVICE_TRUST["Statement"][0]}]}
    trust["Statement"][0]["Principal"] = principal
    role = f"arn:aws:iam::{ACCOUNT}:role/stack-role"
    records = [
        _create_role("create-1", "stack-role", trust),
        _attach_admin("attach-1", _session(role), "cloudformation.amazonaws.com"),
    ]
    assert _admin_findings(records).severity == Severity.CRITICAL


def test_a_role_whose_trust_was_narrowed_in_the_window_is_not_lowered() -> None:
    """A session made while the role trusted the account outlives the narrowed trust."""
    account_trust = {
        "Version": "2012-10-17",
        "Statement": [
            {"Effect": "Allow", "Principal": {"AWS": ACCOUNT}, "Action": "sts:AssumeRole"}
        ],
    }
    role = f"arn:aws:iam::{ACCOUNT}:role/stack-role"
    narrow = record(
        "update-1",
        name="UpdateAssumeRolePolicy",
        time="2026-11-02T09:30:00Z",
        requestParameters={
            "roleName": "stack-role",
            "policyDocument": orjson.dumps(SERVICE_TRUST).decode(),
        },
    )
    records = [
        _create_role("create-1", "stack-role", account_trust),
        narrow,
        _attach_admin("attach-1", _session(role), "aws-cli/2.15"),
    ]
    assert _admin_findings(records).severity == Severity.CRITICAL


def test_a_service_linked_role_is_lowered_only_under_the_reserved_path() -> None:
    real = f"arn:aws:iam::{ACCOUNT}:role/aws-service-role/sso.amazonaws.com/AWSServiceRoleForSSO"
    finding = _admin_findings([_attach_admin("attach-1", _session(real), "sso")])
    assert finding.severity == Severity.MEDIUM
    assert finding.details["origin"] == "aws-service"


@pytest.mark.parametrize(
    "identity",
    [
        _user("AWSServiceRoleForSupport"),
        _session(f"arn:aws:iam::{ACCOUNT}:role/AWSServiceRoleForSupport"),
        _session(f"arn:aws:iam::{ACCOUNT}:role/stacksets-exec-0123456789abcdef"),
        _session(f"arn:aws:iam::{ACCOUNT}:role/AWSControlTowerExecution"),
        _session(f"arn:aws:iam::{ACCOUNT}:role/AWSCloudFormationStackSetExecutionRole"),
        _session(f"arn:aws:iam::{ACCOUNT}:role/ops", session="cloudformation.amazonaws.com"),
    ],
)
def test_names_the_caller_chooses_do_not_lower(identity: dict[str, Any]) -> None:
    records = [_attach_admin("attach-1", identity, "cloudformation.amazonaws.com")]
    assert _admin_findings(records).severity == Severity.CRITICAL


def test_iac_tool_and_the_weekly_count_ignore_a_forged_user_agent() -> None:
    forged, real = _events(
        _attach_admin("attach-1", _user("mallory"), "Terraform/1.5.7 terraform-provider-aws"),
        _attach_admin(
            "attach-2",
            _session(f"arn:aws:iam::{ACCOUNT}:role/x", invokedBy="cloudformation.amazonaws.com"),
            "cloudformation.amazonaws.com",
        ),
    )
    assert iac_tool(forged) is None
    assert iac_hint(forged) == "Terraform"
    assert iac_tool(real) == "CloudFormation"
    assert changes_outside_iac([forged, real]) == 1


def test_a_forged_terraform_agent_does_not_lower_credentials_for_a_new_user() -> None:
    create = record("create-1", name="CreateUser", requestParameters={"userName": "bob"})
    key = record(
        "key-1",
        name="CreateAccessKey",
        time="2026-11-02T10:05:00Z",
        userAgent="Terraform/1.5.7",
        requestParameters={"userName": "bob"},
    )
    catalog = load_catalog(ChecksSettings(enable=("iam_credentials_for_other_user",)))
    run = RunContext(Settings(), History.empty(), Geoip2FastLookup())
    analysis = analyze(_events(create, key), IamState(), catalog, run, TODAY)
    assert [f.severity for f in analysis.findings] == [Severity.HIGH]
    assert analysis.findings[0].details["iac_tool"] is None


def test_a_declared_pipeline_is_not_counted_as_outside_iac() -> None:
    role = f"arn:aws:iam::{ACCOUNT}:role/terraform-ci"
    (event,) = _events(_attach_admin("attach-1", _session(role), "aws-sdk-go/1.44"))
    declared = (AutomationSettings("terraform-ci", (role,)),)
    assert changes_outside_iac([event]) == 1
    assert changes_outside_iac([event], declared) == 0
    assert iac_tool(event, declared) == "terraform-ci"
