"""``baseline fetch``: GetAccountAuthorizationDetails and its extras, live through boto3.

Uses the standard credential chain (or a named profile) and honours ``AWS_ENDPOINT_URL``.
AWS managed policies are not fetched (their documents come from the policy library).
"""

from __future__ import annotations

import os
from collections.abc import Callable
from datetime import datetime
from typing import Any

import boto3
import orjson
from botocore.exceptions import BotoCoreError, ClientError

from auditor.errors import AuditorError, ExitStatus
from auditor.iam.arns import account_of
from auditor.iam.baseline_extras import EXTRAS_KEY

FILTERS = ["User", "Role", "Group", "LocalManagedPolicy"]


class FetchError(AuditorError):
    """The live IAM state could not be read (exit status 3)."""

    exit_status = ExitStatus.INPUT_PROBLEMS


def _plain(value: Any) -> Any:
    """Page data with datetimes as ISO 8601 text (JSON-ready)."""
    return orjson.loads(orjson.dumps(value, default=_default))


def _default(value: object) -> str:
    if isinstance(value, datetime):
        return value.isoformat()
    return str(value)


def iam_client(profile: str | None = None) -> Any:
    """An IAM client for the profile (or the default chain), at AWS_ENDPOINT_URL if set."""
    session = boto3.Session(profile_name=profile) if profile else boto3.Session()
    endpoint = os.environ.get("AWS_ENDPOINT_URL") or None
    return session.client("iam", endpoint_url=endpoint)


def _optional(call: Callable[..., Any], **kwargs: Any) -> Any:
    try:
        return call(**kwargs)
    except ClientError as exc:
        if exc.response.get("Error", {}).get("Code") == "NoSuchEntity":
            return None
        raise


def _paginate(client: Any, operation: str, key: str, **kwargs: Any) -> list[Any]:
    items: list[Any] = []
    for page in client.get_paginator(operation).paginate(**kwargs):
        items.extend(page.get(key, []))
    return items


def _account(pages: list[dict[str, Any]]) -> str | None:
    for page in pages:
        for key in ("UserDetailList", "RoleDetailList", "GroupDetailList", "Policies"):
            for item in page.get(key, []):
                found = account_of(str(item.get("Arn", "")))
                if found and found != "aws":
                    return found
    return None


def fetch_extras(client: Any, account: str, user_names: list[str]) -> dict[str, Any]:
    """Access keys, console passwords, MFA devices, providers, password policy, alias."""
    keys: list[Any] = []
    profiles: list[Any] = []
    devices: list[Any] = []
    for name in user_names:
        keys.extend(_paginate(client, "list_access_keys", "AccessKeyMetadata", UserName=name))
        profile = _optional(client.get_login_profile, UserName=name)
        if profile:
            profiles.append(profile["LoginProfile"])
        devices.extend(_paginate(client, "list_mfa_devices", "MFADevices", UserName=name))
    oidc = []
    for entry in client.list_open_id_connect_providers().get("OpenIDConnectProviderList", []):
        detail = client.get_open_id_connect_provider(OpenIDConnectProviderArn=entry["Arn"])
        oidc.append(
            {"Arn": entry["Arn"], **{k: v for k, v in detail.items() if k != "ResponseMetadata"}}
        )
    policy = _optional(client.get_account_password_policy)
    block: dict[str, Any] = _plain(
        {
            "Account": account,
            "AccessKeys": keys,
            "LoginProfiles": profiles,
            "MFADevices": devices,
            "VirtualMFADevices": _paginate(client, "list_virtual_mfa_devices", "VirtualMFADevices"),
            "SAMLProviders": client.list_saml_providers().get("SAMLProviderList", []),
            "OpenIDConnectProviders": oidc,
            "PasswordPolicy": policy.get("PasswordPolicy") if policy else None,
            "AccountAliases": client.list_account_aliases().get("AccountAliases", []),
        }
    )
    return block


def fetch_authorization_details(client: Any, extras: bool = True) -> list[dict[str, Any]]:
    """Every page of GetAccountAuthorizationDetails (JSON-ready), the extras in the last."""
    try:
        paginator = client.get_paginator("get_account_authorization_details")
        pages = [
            _plain({k: v for k, v in page.items() if k != "ResponseMetadata"})
            for page in paginator.paginate(Filter=FILTERS)
        ]
        if extras and pages:
            account = _account(pages)
            names = [u["UserName"] for page in pages for u in page.get("UserDetailList", [])]
            if account is not None:
                pages[-1][EXTRAS_KEY] = fetch_extras(client, account, names)
    except (ClientError, BotoCoreError) as exc:
        raise FetchError(f"cannot read the IAM state: {exc}") from None
    return pages
