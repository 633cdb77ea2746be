"""STS and sign-in records shared by themes: AssumeRole*, GetCallerIdentity, ConsoleLogin."""

from __future__ import annotations

import base64
import hashlib
from datetime import datetime, timedelta
from typing import Any

from auditor.demo.envelope import Record, Recorder, java_date, role_resource
from auditor.demo.ids import access_key_id, session_token, unique_id
from auditor.demo.org import (
    IDENTITY_CENTER_REGION,
    SSO_ISSUER,
    SSO_PROVIDER,
    SSO_ROLE_PATH,
    role_arn,
)


def credentials(key: str, at: datetime, duration: int) -> dict[str, str]:
    """STS credentials as logged: key id and token, never the secret."""
    return {
        "accessKeyId": access_key_id("ASIA", key),
        "sessionToken": session_token(key),
        "expiration": java_date(at + timedelta(seconds=duration), comma=True),
    }


def assume_role(
    rec: Recorder,
    *,
    at: datetime,
    identity: dict[str, Any],
    account: str,
    role: str,
    session: str,
    region: str,
    ip: str,
    agent: str,
    path: str = "/",
    duration: int = 3600,
    external_id: str | None = None,
    tls: bool = True,
    late_by: timedelta | None = None,
    recipient: str | None = None,
    shared_id: str | None = None,
) -> Record:
    """One copy of an AssumeRole: the role owner's (default) or the caller's (`recipient`)."""
    request: dict[str, Any] = {
        "roleArn": role_arn(account, role, path),
        "roleSessionName": session,
        "durationSeconds": duration,
    }
    if external_id is not None:
        request["externalId"] = external_id
    role_id = unique_id("AROA", f"{account}:role:{role}")
    key = f"{account}:{role}:{session}:{at.isoformat()}"
    response = {
        "credentials": credentials(key, at, duration),
        "assumedRoleUser": {
            "assumedRoleId": f"{role_id}:{session}",
            "arn": f"arn:aws:sts::{account}:assumed-role/{role}/{session}",
        },
    }
    host = "sts.amazonaws.com" if region == "us-east-1" else f"sts.{region}.amazonaws.com"
    return rec.add(
        at=at,
        identity=identity,
        source="sts.amazonaws.com",
        name="AssumeRole",
        region=region,
        account=recipient or account,
        ip=ip,
        agent=agent,
        request=request,
        response=response,
        read_only=True,
        resources=role_resource(account, role, path),
        shared=shared_id or True,
        tls_host=host if tls else None,
        late_by=late_by,
    )


def assume_role_with_saml(
    rec: Recorder, *, at: datetime, account: str, role: str, person: str, ip: str, agent: str
) -> Record:
    """Identity Center federating a user into a permission-set role (console access)."""
    provider_arn = f"arn:aws:iam::{account}:saml-provider/{SSO_PROVIDER}"
    name_qualifier = base64.b64encode(hashlib.sha1(f"nq:{account}".encode()).digest()).decode()
    identity = {
        "type": "SAMLUser",
        "principalId": f"{name_qualifier}:{person}",
        "userName": person,
        "identityProvider": name_qualifier,
    }
    role_id = unique_id("AROA", f"{account}:role:{role}")
    duration = 43200
    key = f"saml:{account}:{role}:{person}:{at.isoformat()}"
    response = {
        "credentials": credentials(key, at, duration),
        "assumedRoleUser": {
            "assumedRoleId": f"{role_id}:{person}",
            "arn": f"arn:aws:sts::{account}:assumed-role/{role}/{person}",
        },
        "subject": person,
        "subjectType": "persistent",
        "issuer": SSO_ISSUER,
        "audience": "https://signin.aws.amazon.com/saml",
        "nameQualifier": name_qualifier,
    }
    request = {
        "sAMLAssertionID": "_" + unique_id("", f"assertion:{key}").lower(),
        "roleSessionName": person,
        "durationSeconds": duration,
        "roleArn": role_arn(account, role, SSO_ROLE_PATH),
        "principalArn": provider_arn,
    }
    resources = [
        *role_resource(account, role, SSO_ROLE_PATH),
        {"accountId": account, "type": "AWS::IAM::SAMLProvider", "ARN": provider_arn},
    ]
    return rec.add(
        at=at,
        identity=identity,
        source="sts.amazonaws.com",
        name="AssumeRoleWithSAML",
        region=IDENTITY_CENTER_REGION,
        account=account,
        ip=ip,
        agent=agent,
        request=request,
        response=response,
        read_only=True,
        resources=resources,
        shared=True,
    )


def get_caller_identity(
    rec: Recorder,
    *,
    at: datetime,
    identity: dict[str, Any],
    account: str,
    region: str,
    ip: str,
    agent: str,
) -> Record:
    host = "sts.amazonaws.com" if region == "us-east-1" else f"sts.{region}.amazonaws.com"
    return rec.add(
        at=at,
        identity=identity,
        source="sts.amazonaws.com",
        name="GetCallerIdentity",
        region=region,
        account=account,
        ip=ip,
        agent=agent,
        read_only=True,
        tls_host=host,
    )


def console_login(
    rec: Recorder,
    *,
    at: datetime,
    identity: dict[str, Any],
    account: str,
    region: str,
    ip: str,
    agent: str,
    mfa_used: bool,
    failure: str | None = None,
    saml: bool = False,
    duplicate: bool = False,
) -> Record:
    """A ConsoleLogin sign-in event; `failure` is the errorMessage of a failed attempt."""
    console = "https://console.aws.amazon.com/console/home"
    if region != "us-east-1":
        console = f"https://{region}.console.aws.amazon.com/console/home?region={region}"
    additional: dict[str, Any] = {
        "LoginTo": console + ("&" if "?" in console else "?") + "hashArgs=%23&isauthcode=true",
        "MobileVersion": "No",
        "MFAUsed": "Yes" if mfa_used else "No",
    }
    if saml:
        additional["LoginTo"] = console
        additional["SamlProviderArn"] = f"arn:aws:iam::{account}:saml-provider/{SSO_PROVIDER}"
    host = "signin.aws.amazon.com" if region == "us-east-1" else f"{region}.signin.aws.amazon.com"
    return rec.add(
        at=at,
        identity=identity,
        source="signin.amazonaws.com",
        name="ConsoleLogin",
        region=region,
        account=account,
        ip=ip,
        agent=agent,
        error=(None, failure) if failure else None,
        response={"ConsoleLogin": "Failure" if failure else "Success"},
        additional=additional,
        event_type="AwsConsoleSignIn",
        version="1.09",
        tls_host=host,
        duplicate=duplicate,
    )
