"""CloudTrail record envelopes: identities and the record itself, keys in CloudTrail's order."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any
from urllib.parse import quote

from auditor.demo.ids import stable_uuid, unique_id
from auditor.demo.org import SSO_ROLE_PATH, role_arn
from auditor.timeutil import format_instant

Record = dict[str, Any]

TLS13 = ("TLSv1.3", "TLS_AES_128_GCM_SHA256")


def java_date(moment: datetime, comma: bool = False) -> str:
    """Dates inside IAM responses: `Nov 12, 2026 2:58:14 AM` (STS adds a comma after the year)."""
    hour = moment.hour % 12 or 12
    half = "AM" if moment.hour < 12 else "PM"
    sep = ", " if comma else " "
    return f"{moment:%b} {moment.day}, {moment.year}{sep}{hour}:{moment:%M:%S} {half}"


def policy_json(document: dict[str, Any], pretty: bool = False) -> str:
    """A policy document as submitted: Terraform sends it minified, consoles and people pretty."""
    if pretty:
        return json.dumps(document, indent=4)
    return json.dumps(document, separators=(",", ":"))


def url_encoded(text: str) -> str:
    """IAM's URL encoding of a trust policy in CreateRole's response."""
    return quote(text, safe="")


# ---------------------------------------------------------------- identities


def iam_user(account: str, name: str, key_id: str) -> dict[str, Any]:
    return {
        "type": "IAMUser",
        "principalId": unique_id("AIDA", f"{account}:user:{name}"),
        "arn": f"arn:aws:iam::{account}:user/{name}",
        "accountId": account,
        "accessKeyId": key_id,
        "userName": name,
    }


def assumed_role(
    account: str,
    role: str,
    session: str,
    key_id: str,
    created: datetime,
    *,
    path: str = "/",
    invoked_by: str | None = None,
    ec2_delivery: bool = False,
) -> dict[str, Any]:
    """A role session, as logged for calls made with its credentials."""
    role_id = unique_id("AROA", f"{account}:role:{role}")
    context: dict[str, Any] = {
        "sessionIssuer": {
            "type": "Role",
            "principalId": role_id,
            "arn": role_arn(account, role, path),
            "accountId": account,
            "userName": role,
        },
        "webIdFederationData": {},
        "attributes": {"creationDate": format_instant(created), "mfaAuthenticated": "false"},
    }
    if ec2_delivery:
        context["ec2RoleDelivery"] = "2.0"
    identity: dict[str, Any] = {
        "type": "AssumedRole",
        "principalId": f"{role_id}:{session}",
        "arn": f"arn:aws:sts::{account}:assumed-role/{role}/{session}",
        "accountId": account,
        "accessKeyId": key_id,
        "sessionContext": context,
    }
    if invoked_by:
        identity["invokedBy"] = invoked_by
    return identity


def sso_session(
    account: str, role: str, person: str, key_id: str, created: datetime
) -> dict[str, Any]:
    """An Identity Center user's session in `AWSReservedSSO_<set>_<hash>`."""
    return assumed_role(account, role, person, key_id, created, path=SSO_ROLE_PATH)


def aws_service(service: str) -> dict[str, Any]:
    return {"type": "AWSService", "invokedBy": service}


def aws_account(caller_account: str, principal_id: str) -> dict[str, Any]:
    """The role owner's view of a cross-account caller: only an account and a principal id."""
    return {"type": "AWSAccount", "principalId": principal_id, "accountId": caller_account}


# ---------------------------------------------------------------- records


@dataclass
class Recorder:
    """Collects the records of one theme; ids derive from the theme and a running number."""

    scope: str
    records: list[Record] = field(default_factory=list)
    late: dict[str, timedelta] = field(default_factory=dict)
    duplicated: set[str] = field(default_factory=set)

    def add(
        self,
        *,
        at: datetime,
        identity: dict[str, Any],
        source: str,
        name: str,
        region: str,
        account: str,
        ip: str,
        agent: str,
        request: Any = None,
        response: Any = None,
        read_only: bool = False,
        error: tuple[str | None, str] | None = None,
        additional: dict[str, Any] | None = None,
        resources: list[dict[str, str]] | None = None,
        shared: bool | str = False,
        tls_host: str | None = None,
        event_type: str = "AwsApiCall",
        category: str = "Management",
        version: str = "1.08",
        vpce: str | None = None,
        console: bool = False,
        addendum: dict[str, Any] | None = None,
        late_by: timedelta | None = None,
        duplicate: bool = False,
    ) -> Record:
        """Append one record; `late_by`/`duplicate` are delivery hints kept beside it."""
        number = len(self.records)
        event_id = stable_uuid(f"{self.scope}:event:{number}")
        record: Record = {
            "eventVersion": version,
            "userIdentity": identity,
            "eventTime": format_instant(at),
            "eventSource": source,
            "eventName": name,
            "awsRegion": region,
            "sourceIPAddress": ip,
            "userAgent": agent,
        }
        if error is not None:
            if error[0] is not None:
                record["errorCode"] = error[0]
            record["errorMessage"] = error[1]
        record["requestParameters"] = request
        record["responseElements"] = response
        if additional is not None:
            record["additionalEventData"] = additional
        if event_type != "AwsConsoleSignIn" or source != "signin.amazonaws.com":
            record["requestID"] = stable_uuid(f"{self.scope}:request:{number}")
        record["eventID"] = event_id
        record["readOnly"] = read_only
        if resources is not None:
            record["resources"] = resources
        record["eventType"] = event_type
        record["managementEvent"] = category == "Management"
        record["recipientAccountId"] = account
        if isinstance(shared, str):
            record["sharedEventID"] = shared
        elif shared:
            record["sharedEventID"] = stable_uuid(f"{self.scope}:shared:{number}")
        if vpce is not None:
            record["vpcEndpointId"] = vpce
        record["eventCategory"] = category
        if addendum is not None:
            record["addendum"] = addendum
        if tls_host is not None:
            record["tlsDetails"] = {
                "tlsVersion": TLS13[0],
                "cipherSuite": TLS13[1],
                "clientProvidedHostHeader": tls_host,
            }
        if console:
            record["sessionCredentialFromConsole"] = "true"
        self.records.append(record)
        if late_by is not None:
            self.late[event_id] = late_by
        if duplicate:
            self.duplicated.add(event_id)
        return record


def role_resource(account: str, role: str, path: str = "/") -> list[dict[str, str]]:
    return [{"accountId": account, "type": "AWS::IAM::Role", "ARN": role_arn(account, role, path)}]
