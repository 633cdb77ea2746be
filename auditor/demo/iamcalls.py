"""IAM API records (`iam.amazonaws.com`, always logged in us-east-1) with their exact shapes."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from auditor.demo.envelope import Record, Recorder, java_date, policy_json, url_encoded
from auditor.demo.ids import access_key_id, unique_id
from auditor.demo.org import policy_arn, role_arn, user_arn

Document = dict[str, Any]


@dataclass(frozen=True)
class Caller:
    """Who makes a call and from where; `console` marks calls made from a console session."""

    identity: dict[str, Any]
    account: str
    ip: str
    agent: str
    tls: bool = True
    console: bool = False


def iam_call(
    rec: Recorder,
    caller: Caller,
    at: datetime,
    name: str,
    request: Any = None,
    response: Any = None,
    *,
    read_only: bool = False,
    error: tuple[str | None, str] | None = None,
    late_by: timedelta | None = None,
    duplicate: bool = False,
    addendum: dict[str, Any] | None = None,
) -> Record:
    return rec.add(
        at=at,
        identity=caller.identity,
        source="iam.amazonaws.com",
        name=name,
        region="us-east-1",
        account=caller.account,
        ip=caller.ip,
        agent=caller.agent,
        request=request,
        response=response,
        read_only=read_only,
        error=error,
        tls_host="iam.amazonaws.com" if caller.tls else None,
        console=caller.console,
        late_by=late_by,
        duplicate=duplicate,
        addendum=addendum,
    )


def read(rec: Recorder, caller: Caller, at: datetime, name: str, **request: Any) -> Record:
    """A read-only IAM call (GetRole, ListRoles…): the response is never logged."""
    return iam_call(rec, caller, at, name, request or None, read_only=True)


def _tags(tags: tuple[tuple[str, str], ...]) -> list[dict[str, str]]:
    return [{"key": key, "value": value} for key, value in tags]


def create_role(
    rec: Recorder,
    caller: Caller,
    at: datetime,
    name: str,
    trust: Document,
    *,
    description: str | None = None,
    tags: tuple[tuple[str, str], ...] = (),
    pretty: bool = False,
) -> Record:
    """CreateRole: trust as a JSON string in the request, URL-encoded in the response."""
    text = policy_json(trust, pretty)
    request: dict[str, Any] = {"roleName": name, "assumeRolePolicyDocument": text}
    if description is not None:
        request["description"] = description
    if tags:
        request["tags"] = _tags(tags)
    role: dict[str, Any] = {
        "path": "/",
        "roleName": name,
        "roleId": unique_id("AROA", f"{caller.account}:role:{name}"),
        "arn": role_arn(caller.account, name),
        "createDate": java_date(at),
        "assumeRolePolicyDocument": url_encoded(text),
    }
    if tags:
        role["tags"] = _tags(tags)
    return iam_call(rec, caller, at, "CreateRole", request, {"role": role})


def put_inline(
    rec: Recorder,
    caller: Caller,
    at: datetime,
    kind: str,
    holder: str,
    policy_name: str,
    document: Document,
    pretty: bool = False,
) -> Record:
    """Put{Role,User,Group}Policy; `kind` is `role`, `user` or `group`."""
    request = {
        f"{kind}Name": holder,
        "policyName": policy_name,
        "policyDocument": policy_json(document, pretty),
    }
    return iam_call(rec, caller, at, f"Put{kind.title()}Policy", request)


def attach(rec: Recorder, caller: Caller, at: datetime, kind: str, holder: str, arn: str) -> Record:
    """Attach{Role,User,Group}Policy (no document: AWS managed ones never carry it)."""
    request = {f"{kind}Name": holder, "policyArn": arn}
    return iam_call(rec, caller, at, f"Attach{kind.title()}Policy", request)


def detach(rec: Recorder, caller: Caller, at: datetime, kind: str, holder: str, arn: str) -> Record:
    request = {f"{kind}Name": holder, "policyArn": arn}
    return iam_call(rec, caller, at, f"Detach{kind.title()}Policy", request)


def delete_inline(
    rec: Recorder, caller: Caller, at: datetime, kind: str, holder: str, policy_name: str
) -> Record:
    request = {f"{kind}Name": holder, "policyName": policy_name}
    return iam_call(rec, caller, at, f"Delete{kind.title()}Policy", request)


def create_policy(
    rec: Recorder,
    caller: Caller,
    at: datetime,
    name: str,
    document: Document,
    description: str = "",
) -> Record:
    request = {
        "policyName": name,
        "path": "/",
        "policyDocument": policy_json(document),
        "description": description,
    }
    response = {
        "policy": {
            "policyName": name,
            "policyId": unique_id("ANPA", f"{caller.account}:policy:{name}"),
            "arn": policy_arn(caller.account, name),
            "path": "/",
            "defaultVersionId": "v1",
            "attachmentCount": 0,
            "permissionsBoundaryUsageCount": 0,
            "isAttachable": True,
            "createDate": java_date(at),
            "updateDate": java_date(at),
        }
    }
    return iam_call(rec, caller, at, "CreatePolicy", request, response)


def create_policy_version(
    rec: Recorder,
    caller: Caller,
    at: datetime,
    name: str,
    document: Document,
    version: int,
    set_as_default: bool = True,
) -> Record:
    request = {
        "policyArn": policy_arn(caller.account, name),
        "policyDocument": policy_json(document),
        "setAsDefault": set_as_default,
    }
    response = {
        "policyVersion": {
            "versionId": f"v{version}",
            "isDefaultVersion": set_as_default,
            "createDate": java_date(at),
        }
    }
    return iam_call(rec, caller, at, "CreatePolicyVersion", request, response)


def tag_role(
    rec: Recorder, caller: Caller, at: datetime, name: str, tags: tuple[tuple[str, str], ...]
) -> Record:
    return iam_call(rec, caller, at, "TagRole", {"roleName": name, "tags": _tags(tags)})


def create_user(rec: Recorder, caller: Caller, at: datetime, name: str, **hints: Any) -> Record:
    response = {
        "user": {
            "path": "/",
            "userName": name,
            "userId": unique_id("AIDA", f"{caller.account}:user:{name}"),
            "arn": user_arn(caller.account, name),
            "createDate": java_date(at),
        }
    }
    return iam_call(rec, caller, at, "CreateUser", {"userName": name}, response, **hints)


def create_access_key(rec: Recorder, caller: Caller, at: datetime, user: str) -> Record:
    """CreateAccessKey for `user` (the secret is never logged)."""
    response = {
        "accessKey": {
            "userName": user,
            "accessKeyId": access_key_id("AKIA", f"{caller.account}:key:{user}"),
            "status": "Active",
            "createDate": java_date(at),
        }
    }
    return iam_call(rec, caller, at, "CreateAccessKey", {"userName": user}, response)


def update_trust(
    rec: Recorder, caller: Caller, at: datetime, role: str, document: Document, pretty: bool
) -> Record:
    request = {"roleName": role, "policyDocument": policy_json(document, pretty)}
    return iam_call(rec, caller, at, "UpdateAssumeRolePolicy", request)
