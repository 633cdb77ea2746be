"""What GetAccountAuthorizationDetails does not return, read from ``TrailauditExtras``.

``baseline fetch`` writes one block per account, shaped like the IAM API responses::

    {"Account": "111122223333", "AccessKeys": [{UserName, AccessKeyId, Status, CreateDate}],
     "LoginProfiles": [{UserName, CreateDate, PasswordResetRequired}],
     "MFADevices": [{UserName, SerialNumber, EnableDate}],
     "VirtualMFADevices": [{SerialNumber, User: {Arn}, EnableDate}],
     "SAMLProviders": [{Arn, CreateDate}], "OpenIDConnectProviders": [{Arn, Url, ClientIDList,
     ThumbprintList, CreateDate}], "PasswordPolicy": {...} | null, "AccountAliases": [...]}
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any

from auditor.iam.arns import iam_arn, root_arn
from auditor.iam.model import (
    AccessKey,
    AccountSettings,
    IdentityProvider,
    LoginProfile,
    MfaDevice,
    User,
)
from auditor.iam.state import IamState
from auditor.timeutil import parse_instant

EXTRAS_KEY = "TrailauditExtras"
PASSWORD_POLICY_FIELDS = (
    "MinimumPasswordLength",
    "RequireSymbols",
    "RequireNumbers",
    "RequireUppercaseCharacters",
    "RequireLowercaseCharacters",
    "AllowUsersToChangePassword",
    "MaxPasswordAge",
    "PasswordReusePrevention",
    "HardExpiry",
)


def _time(value: object) -> datetime | None:
    try:
        return parse_instant(value) if isinstance(value, str) else None
    except ValueError:
        return None


def _items(block: Mapping[str, Any], key: str) -> list[Mapping[str, Any]]:
    value = block.get(key)
    return [item for item in value if isinstance(item, dict)] if isinstance(value, list) else []


def password_policy_from_api(policy: Mapping[str, Any]) -> dict[str, Any]:
    """The settable fields of GetAccountPasswordPolicy, named as in the CloudTrail request."""
    return {
        name[0].lower() + name[1:]: policy[name]
        for name in PASSWORD_POLICY_FIELDS
        if name in policy
    }


def _user(state: IamState, account: str, name: object) -> User | None:
    if not isinstance(name, str):
        return None
    arn = state.names.get("user", account, name) or iam_arn("user", account, name)
    return state.users.get(arn)


def _keys(state: IamState, account: str, block: Mapping[str, Any]) -> None:
    for item in _items(block, "AccessKeys"):
        key_id, user = item.get("AccessKeyId"), _user(state, account, item.get("UserName"))
        if not isinstance(key_id, str):
            continue
        owner = user.arn if user else root_arn(account)
        status = item.get("Status")
        state.access_keys[key_id] = AccessKey(
            key_id,
            owner,
            account,
            status if isinstance(status, str) else "Active",
            created=_time(item.get("CreateDate")),
            origin="baseline",
        )
        if user is not None:
            state.users[user.arn] = user._replace(access_keys=user.access_keys | {key_id})


def _login_profiles(state: IamState, account: str, block: Mapping[str, Any]) -> None:
    for item in _items(block, "LoginProfiles"):
        user = _user(state, account, item.get("UserName"))
        if user is not None:
            reset = item.get("PasswordResetRequired")
            profile = LoginProfile(
                _time(item.get("CreateDate")), reset if isinstance(reset, bool) else None
            )
            state.users[user.arn] = user._replace(login_profile=profile)


def _mfa(state: IamState, account: str, block: Mapping[str, Any]) -> None:
    for item in _items(block, "VirtualMFADevices"):
        serial = item.get("SerialNumber")
        owner = item.get("User")
        user_arn = owner.get("Arn") if isinstance(owner, dict) else None
        if isinstance(serial, str):
            state.mfa_devices[serial] = MfaDevice(
                serial,
                account,
                user_arn if isinstance(user_arn, str) else None,
                virtual=True,
                created=_time(item.get("EnableDate")),
                origin="baseline",
            )
    for item in _items(block, "MFADevices"):
        serial = item.get("SerialNumber")
        user = _user(state, account, item.get("UserName"))
        if not isinstance(serial, str) or user is None:
            continue
        state.mfa_devices[serial] = MfaDevice(
            serial,
            account,
            user.arn,
            virtual=serial.startswith("arn:"),
            created=_time(item.get("EnableDate")),
            origin="baseline",
        )
        state.users[user.arn] = user._replace(mfa_devices=user.mfa_devices | {serial})


def _providers(state: IamState, account: str, block: Mapping[str, Any]) -> None:
    for kind, key in (("saml", "SAMLProviders"), ("oidc", "OpenIDConnectProviders")):
        for item in _items(block, key):
            arn = item.get("Arn")
            if not isinstance(arn, str):
                continue
            url = item.get("Url")
            clients = [c for c in item.get("ClientIDList") or [] if isinstance(c, str)]
            prints = [t for t in item.get("ThumbprintList") or [] if isinstance(t, str)]
            state.providers[arn] = IdentityProvider(
                arn,
                account,
                kind,
                url=url if isinstance(url, str) else None,
                client_ids=frozenset(clients),
                thumbprints=frozenset(prints),
                created=_time(item.get("CreateDate")),
                origin="baseline",
            )


def apply_extras(state: IamState, block: Mapping[str, Any]) -> frozenset[str]:
    """Add one account's extras to a baseline state; return the families they describe."""
    account = block.get("Account")
    if not isinstance(account, str):
        return frozenset()
    covers = {"access_key", "login_profile", "mfa_device", "identity_provider", "account_settings"}
    _keys(state, account, block)
    _login_profiles(state, account, block)
    _mfa(state, account, block)
    _providers(state, account, block)
    policy = block.get("PasswordPolicy")
    aliases = [a for a in block.get("AccountAliases") or [] if isinstance(a, str)]
    state.accounts[account] = AccountSettings(
        account,
        alias=aliases[0] if aliases else None,
        password_policy=password_policy_from_api(policy) if isinstance(policy, dict) else None,
        origin="baseline",
    )
    return frozenset(covers)
