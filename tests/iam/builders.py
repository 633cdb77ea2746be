"""Builders of CloudTrail records, events and GetAccountAuthorizationDetails documents."""

from __future__ import annotations

import itertools
from datetime import UTC, datetime, timedelta
from typing import Any
from urllib.parse import quote

import orjson

from auditor.events import Event, normalize_record
from auditor.store.event_store import EventRow, EventStore
from auditor.timeutil import format_instant

ACCOUNT = "111122223333"
OTHER = "444455556666"
EXTERNAL = "999988887777"
START = datetime(2026, 11, 2, tzinfo=UTC)
ADMIN_USER = f"arn:aws:iam::{ACCOUNT}:user/admin"
_ids = itertools.count(1)


def policy(*actions: str, resource: str = "*", effect: str = "Allow") -> dict[str, Any]:
    """A one-statement identity policy."""
    return {
        "Version": "2012-10-17",
        "Statement": [{"Effect": effect, "Action": list(actions), "Resource": resource}],
    }


def trust(*principals: str, service: str | None = None) -> dict[str, Any]:
    """A trust policy admitting AWS principals (and optionally a service)."""
    statements: list[dict[str, Any]] = []
    if principals:
        statements.append(
            {"Effect": "Allow", "Principal": {"AWS": list(principals)}, "Action": "sts:AssumeRole"}
        )
    if service:
        statements.append(
            {"Effect": "Allow", "Principal": {"Service": service}, "Action": "sts:AssumeRole"}
        )
    return {"Version": "2012-10-17", "Statement": statements}


def record(
    name: str,
    at: datetime | timedelta,
    request: dict[str, Any] | None = None,
    response: dict[str, Any] | None = None,
    *,
    source: str = "iam.amazonaws.com",
    actor: dict[str, Any] | None = None,
    error: str | None = None,
    account: str = ACCOUNT,
    event_id: str | None = None,
) -> dict[str, Any]:
    """One CloudTrail record; ``at`` is an instant or an offset from ``START``."""
    moment = START + at if isinstance(at, timedelta) else at
    out: dict[str, Any] = {
        "eventVersion": "1.09",
        "userIdentity": actor
        or {"type": "IAMUser", "arn": ADMIN_USER, "accountId": account, "userName": "admin"},
        "eventTime": format_instant(moment),
        "eventSource": source,
        "eventName": name,
        "awsRegion": "us-east-1",
        "sourceIPAddress": "198.51.100.7",
        "userAgent": "aws-cli/2",
        "requestParameters": request,
        "responseElements": response,
        "eventID": event_id or f"ev-{next(_ids):06d}",
        "recipientAccountId": account,
    }
    if error:
        out["errorCode"] = error
        out["errorMessage"] = error
    return out


def event(*args: Any, **kwargs: Any) -> Event:
    """A normalized event (see ``record``)."""
    result = normalize_record(record(*args, **kwargs))
    assert isinstance(result, Event)
    return result


def doc(value: dict[str, Any]) -> str:
    """A policy document as CloudTrail logs it in requestParameters (a JSON string)."""
    return orjson.dumps(value).decode()


def store_records(store: EventStore, records: list[dict[str, Any]]) -> int:
    """Insert raw records into the store (no file row); return how many were new."""
    rows = []
    for item in records:
        normalized = normalize_record(item)
        assert isinstance(normalized, Event)
        rows.append(EventRow.from_event(normalized))
    with store.transaction():
        return store.insert_events(rows)


def gaad(account: str = ACCOUNT, *, raw_api: bool = False) -> dict[str, Any]:
    """A GetAccountAuthorizationDetails page: CLI shape, or raw API (URL-encoded documents)."""

    def encode(value: dict[str, Any]) -> Any:
        return quote(orjson.dumps(value).decode()) if raw_api else value

    prefix = f"arn:aws:iam::{account}"
    return {
        "UserDetailList": [
            {
                "Path": "/",
                "UserName": "alice",
                "UserId": "AIDAALICE",
                "Arn": f"{prefix}:user/alice",
                "CreateDate": "2025-01-01T00:00:00+00:00",
                "GroupList": ["devs"],
                "AttachedManagedPolicies": [],
                "UserPolicyList": [
                    {"PolicyName": "s3-read", "PolicyDocument": encode(policy("s3:GetObject"))}
                ],
                "Tags": [{"Key": "team", "Value": "data"}],
            },
            {
                "Path": "/ops/",
                "UserName": "bob",
                "UserId": "AIDABOB",
                "Arn": f"{prefix}:user/ops/bob",
                "CreateDate": "2025-01-01T00:00:00Z",
                "GroupList": [],
                "AttachedManagedPolicies": [
                    {
                        "PolicyName": "ReadOnlyAccess",
                        "PolicyArn": "arn:aws:iam::aws:policy/ReadOnlyAccess",
                    }
                ],
            },
        ],
        "GroupDetailList": [
            {
                "Path": "/",
                "GroupName": "devs",
                "GroupId": "AGPADEVS",
                "Arn": f"{prefix}:group/devs",
                "CreateDate": "2025-01-01T00:00:00Z",
                "GroupPolicyList": [],
                "AttachedManagedPolicies": [
                    {"PolicyName": "deploy", "PolicyArn": f"{prefix}:policy/deploy"}
                ],
            }
        ],
        "RoleDetailList": [
            {
                "Path": "/",
                "RoleName": "deployer",
                "RoleId": "AROADEPLOYER",
                "Arn": f"{prefix}:role/deployer",
                "CreateDate": "2025-01-01T00:00:00Z",
                "AssumeRolePolicyDocument": encode(trust(f"{prefix}:user/alice")),
                "InstanceProfileList": [
                    {
                        "Path": "/",
                        "InstanceProfileName": "deployer-profile",
                        "InstanceProfileId": "AIPADEPLOY",
                        "Arn": f"{prefix}:instance-profile/deployer-profile",
                        "CreateDate": "2025-01-01T00:00:00Z",
                        "Roles": [],
                    }
                ],
                "RolePolicyList": [],
                "AttachedManagedPolicies": [
                    {
                        "PolicyName": "AdministratorAccess",
                        "PolicyArn": "arn:aws:iam::aws:policy/AdministratorAccess",
                    }
                ],
                "Tags": [],
            }
        ],
        "Policies": [
            {
                "PolicyName": "deploy",
                "PolicyId": "ANPADEPLOY",
                "Arn": f"{prefix}:policy/deploy",
                "Path": "/",
                "DefaultVersionId": "v2",
                "AttachmentCount": 1,
                "IsAttachable": True,
                "CreateDate": "2025-01-01T00:00:00Z",
                "PolicyVersionList": [
                    {
                        "Document": encode(policy("lambda:UpdateFunctionCode")),
                        "VersionId": "v2",
                        "IsDefaultVersion": True,
                        "CreateDate": "2025-02-01T00:00:00Z",
                    },
                    {
                        "Document": encode(policy("lambda:GetFunction")),
                        "VersionId": "v1",
                        "IsDefaultVersion": False,
                        "CreateDate": "2025-01-01T00:00:00Z",
                    },
                ],
            }
        ],
    }
