"""``baseline fetch`` against moto running as a real server, and ``drift`` on what it saw."""

from __future__ import annotations

import json
import uuid
from pathlib import Path

import boto3
import orjson

from auditor.iam.baseline import read_authorization_details
from auditor.iam.drift import compute_drift
from auditor.iam.fetch import fetch_authorization_details, iam_client
from auditor.iam.state import IamState
from tests.cli import run
from tests.iam.builders import START, policy, trust


def populate(prefix: str) -> str:
    """Users, a group, a role and a customer policy in moto; return the account id."""
    iam = boto3.client("iam")
    created = iam.create_policy(
        PolicyName=f"{prefix}-p", PolicyDocument=json.dumps(policy("s3:GetObject"))
    )
    arn = created["Policy"]["Arn"]
    iam.create_policy_version(
        PolicyArn=arn, PolicyDocument=json.dumps(policy("s3:*")), SetAsDefault=True
    )
    iam.create_group(GroupName=f"{prefix}-g")
    iam.attach_group_policy(GroupName=f"{prefix}-g", PolicyArn=arn)
    iam.create_user(UserName=f"{prefix}-u", Path="/people/")
    iam.add_user_to_group(UserName=f"{prefix}-u", GroupName=f"{prefix}-g")
    iam.put_user_policy(
        UserName=f"{prefix}-u",
        PolicyName="inline",
        PolicyDocument=json.dumps(policy("ec2:Describe*")),
    )
    iam.create_access_key(UserName=f"{prefix}-u")
    iam.create_login_profile(UserName=f"{prefix}-u", Password="Secret-Pa55word!")
    account = arn.split(":")[4]
    iam.create_role(
        RoleName=f"{prefix}-r",
        AssumeRolePolicyDocument=json.dumps(trust(f"arn:aws:iam::{account}:root")),
    )
    iam.attach_role_policy(RoleName=f"{prefix}-r", PolicyArn=arn)
    return account


def test_fetch_reads_what_was_created(moto_endpoint: str) -> None:
    prefix = uuid.uuid4().hex[:8]
    account = populate(prefix)
    pages = fetch_authorization_details(iam_client())
    baseline = read_authorization_details(pages, START)
    state = baseline.state
    user = state.users[f"arn:aws:iam::{account}:user/people/{prefix}-u"]
    group_arn = f"arn:aws:iam::{account}:group/{prefix}-g"
    assert user.groups == {group_arn} and state.groups[group_arn].members == {user.arn}
    assert set(user.inline) == {"inline"} and user.inline["inline"].parsed() is not None
    assert len(user.access_keys) == 1 and user.login_profile is not None
    policy_arn = f"arn:aws:iam::{account}:policy/{prefix}-p"
    managed = state.policies[policy_arn]
    assert managed.default_version == "v2" and managed.default_document is not None
    assert set(managed.versions) == {"v1", "v2"}
    role = state.roles[f"arn:aws:iam::{account}:role/{prefix}-r"]
    assert role.trust is not None and role.trust.parsed() is not None
    assert policy_arn in role.attached
    assert {"access_key", "login_profile"} <= baseline.covers and account in baseline.accounts


def test_cli_fetch_save_then_drift(moto_endpoint: str, tmp_path: Path) -> None:
    prefix = uuid.uuid4().hex[:8]
    populate(prefix)
    fetched = run(
        "--db",
        "t.db",
        "baseline",
        "fetch",
        "--at",
        "2026-11-02",
        "--save",
        "snap.json",
        "--json",
        cwd=tmp_path,
    )
    assert fetched.returncode == 0, fetched.stderr
    summary = json.loads(fetched.stdout)
    assert summary["counts"]["user"] >= 1 and summary["at"] == "2026-11-02T00:00:00Z"
    # a change made outside the trail, then a newer snapshot: drift names it
    boto3.client("iam").create_user(UserName=f"{prefix}-ghost")
    later = run(
        "--db",
        "other.db",
        "baseline",
        "fetch",
        "--at",
        "2026-11-03",
        "--save",
        "later.json",
        cwd=tmp_path,
    )
    assert later.returncode == 0, later.stderr
    drift = run("--db", "t.db", "drift", "later.json", "--json", cwd=tmp_path)
    assert drift.returncode == 0, drift.stderr
    changes = json.loads(drift.stdout)["changes"]
    ghosts = [c for c in changes if c["arn"].endswith(f"user/{prefix}-ghost")]
    assert len(ghosts) == 1 and ghosts[0]["kind"] == "added"
    assert ghosts[0]["details"]["missing_from_trail"] is True


def test_drift_between_identical_states_is_empty(moto_endpoint: str) -> None:
    populate(uuid.uuid4().hex[:8])
    snapshot = read_authorization_details(fetch_authorization_details(iam_client()), START)
    assert compute_drift(snapshot.state.copy(), snapshot) == []
    assert compute_drift(IamState(), snapshot)  # everything missing
    saved = orjson.loads(orjson.dumps({"pages": fetch_authorization_details(iam_client())}))
    assert read_authorization_details(saved["pages"], START).accounts == snapshot.accounts
