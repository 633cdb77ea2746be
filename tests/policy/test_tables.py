"""The shipped tables load from the package, carry source and date, and look right."""

from __future__ import annotations

import re
from importlib.resources import files

from auditor.policy.actions import load_action_catalog
from auditor.policy.known_accounts import known_accounts_source, load_known_accounts
from auditor.policy.managed import (
    QUARANTINE_POLICY_NAMES,
    SCOPED_RESOURCE,
    aws_managed_policy_names,
    aws_managed_source,
    is_aws_managed_arn,
    lookup_aws_managed_policy,
)
from auditor.policy.privesc import load_privesc_paths, privesc_source
from auditor.policy.risk import load_risky_categories, risky_source
from auditor.policy.tables import TableSource

DATE = re.compile(r"\d{4}-\d{2}-\d{2}")


def assert_sourced(source: TableSource) -> None:
    assert source.name and source.license and source.url
    assert DATE.fullmatch(source.date), source


def test_every_table_records_source_license_and_date() -> None:
    for source in (
        load_action_catalog().source,
        privesc_source(),
        known_accounts_source(),
        aws_managed_source(),
        risky_source(),
    ):
        assert_sourced(source)
    assert load_action_catalog().source.version.startswith("0.1.")
    assert "Datadog" in privesc_source().name or "DataDog" in privesc_source().name


def test_sources_md_lists_every_table() -> None:
    data = files("checks.data")
    text = data.joinpath("SOURCES.md").read_text(encoding="utf-8")
    tables = [
        entry.name
        for entry in data.iterdir()
        if entry.name.endswith((".json", ".json.gz", ".toml"))
    ]
    assert len(tables) == 5
    for name in tables:
        assert name in text, name
    assert "Copyright 2025-Present Datadog, Inc." in text


def test_privesc_paths() -> None:
    paths = load_privesc_paths()
    assert len(paths) == 65
    by_id = {path.id: path for path in paths}
    assert by_id["ec2-001"].required == ("iam:PassRole", "ec2:RunInstances")
    assert by_id["iam-001"].category == "self-escalation"
    assert by_id["sts-001"].target_dependent and not by_id["iam-001"].target_dependent
    catalog = load_action_catalog().all_actions()
    assert all(action in catalog for path in paths for action in path.required)


def test_known_accounts() -> None:
    accounts = load_known_accounts()
    assert accounts["464622532012"] == "Datadog"
    assert len(accounts) >= 490
    assert all(len(account) == 12 and account.isdigit() for account in accounts)


def test_managed_policies() -> None:
    names = aws_managed_policy_names()
    assert len(names) > 1600
    assert names >= QUARANTINE_POLICY_NAMES
    admin = lookup_aws_managed_policy("arn:aws:iam::aws:policy/AdministratorAccess")
    assert admin is not None and admin.admin_equivalent and not admin.deprecated
    assert lookup_aws_managed_policy("administratoraccess") == admin
    lambda_role = lookup_aws_managed_policy(
        "arn:aws:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole"
    )
    assert lambda_role is not None and lambda_role.arn.endswith(
        "service-role/AWSLambdaBasicExecutionRole"
    )
    assert lambda_role.document.statements[0].resources == ("*",)
    execute = lookup_aws_managed_policy("AWSLambdaExecute")
    assert execute is not None
    assert execute.document.statements[0].resources == (SCOPED_RESOURCE,)
    quarantine = lookup_aws_managed_policy("AWSCompromisedKeyQuarantineV3")
    assert quarantine is not None and quarantine.is_quarantine
    assert quarantine.document.statements[0].is_deny
    deprecated = [lookup_aws_managed_policy(name) for name in sorted(names)]
    retired = [policy for policy in deprecated if policy is not None and policy.deprecated]
    assert len(retired) == 75 and all(policy.deprecated_date for policy in retired)
    assert lookup_aws_managed_policy("arn:aws:iam::123456789012:policy/AdministratorAccess") is None
    assert lookup_aws_managed_policy("NoSuchPolicy") is None
    admins = {
        name for name in names if (p := lookup_aws_managed_policy(name)) and p.admin_equivalent
    }
    assert "AdministratorAccess" in admins and "PowerUserAccess" not in admins


def test_is_aws_managed_arn() -> None:
    assert is_aws_managed_arn("arn:aws:iam::aws:policy/ReadOnlyAccess")
    assert is_aws_managed_arn("arn:aws:iam::aws:policy/job-function/ViewOnlyAccess")
    assert is_aws_managed_arn("arn:aws-us-gov:iam::aws:policy/AdministratorAccess")
    assert not is_aws_managed_arn("arn:aws:iam::123456789012:policy/ReadOnlyAccess")
    assert not is_aws_managed_arn("ReadOnlyAccess")


def test_risky_categories_expand() -> None:
    categories = load_risky_categories()
    assert set(categories) == {
        "permissions_management",
        "data_access",
        "credential_exposure",
        "logging_tampering",
    }
    assert "iam:PutRolePolicy" in categories["permissions_management"].actions
    assert "sts:AssumeRole" in categories["credential_exposure"].on_all_only
    assert "iam:CreateAccessKey" not in categories["credential_exposure"].on_all_only
    catalog = load_action_catalog().all_actions()
    for category in categories.values():
        assert category.actions <= catalog, category.actions - catalog
