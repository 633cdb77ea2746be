"""Baselines: a GetAccountAuthorizationDetails document read into an ``IamState``.

Accepts what the AWS CLI writes (documents as objects) and what the raw API returns
(URL-encoded strings), one page or several, for one account or several: each entity's
account comes from its ARN. Optional ``TrailauditExtras`` (written by ``baseline fetch``)
add what the call does not return: access keys, console passwords, MFA devices,
identity providers, password policy and alias.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from auditor.errors import AuditorError, ExitStatus
from auditor.iam.arns import account_of, iam_arn, normalize_path
from auditor.iam.baseline_extras import EXTRAS_KEY, apply_extras
from auditor.iam.documents import Document
from auditor.iam.model import (
    Group,
    InstanceProfile,
    ManagedPolicy,
    PolicyVersion,
    Role,
    User,
)
from auditor.iam.state import FAMILIES, IamState
from auditor.timeutil import parse_instant

GAAD_FAMILIES = frozenset({"user", "group", "role", "policy", "instance_profile"})
PAGE_KEYS = ("UserDetailList", "GroupDetailList", "RoleDetailList", "Policies")


class BaselineError(AuditorError):
    """A baseline document that cannot be read (exit status 3)."""

    exit_status = ExitStatus.INPUT_PROBLEMS


@dataclass(frozen=True, slots=True)
class Baseline:
    """The state of some accounts at one instant, and which families the source described."""

    state: IamState
    at: datetime
    accounts: frozenset[str]
    covers: frozenset[str]


def _list(page: Mapping[str, Any], key: str) -> list[Mapping[str, Any]]:
    value = page.get(key)
    return [item for item in value if isinstance(item, dict)] if isinstance(value, list) else []


def _str(item: Mapping[str, Any], key: str) -> str | None:
    value = item.get(key)
    return value if isinstance(value, str) and value else None


def read_time(value: object) -> datetime | None:
    """A creation date as GAAD writes it (ISO 8601), or None."""
    if isinstance(value, datetime):
        return value
    try:
        return parse_instant(value) if isinstance(value, str) else None
    except ValueError:
        return None


def _tags(item: Mapping[str, Any]) -> dict[str, str]:
    return {
        str(tag.get("Key")): str(tag.get("Value", ""))
        for tag in _list(item, "Tags")
        if tag.get("Key") is not None
    }


def _inline(item: Mapping[str, Any], key: str) -> dict[str, Document]:
    return {
        name: Document.read(entry.get("PolicyDocument"))
        for entry in _list(item, key)
        if (name := _str(entry, "PolicyName"))
    }


def _attached(item: Mapping[str, Any]) -> frozenset[str]:
    return frozenset(
        arn for entry in _list(item, "AttachedManagedPolicies") if (arn := _str(entry, "PolicyArn"))
    )


def _boundary(item: Mapping[str, Any]) -> str | None:
    block = item.get("PermissionsBoundary")
    return _str(block, "PermissionsBoundaryArn") if isinstance(block, dict) else None


def _identity(item: Mapping[str, Any], name_key: str) -> tuple[str, str, str, str] | None:
    arn, name = _str(item, "Arn"), _str(item, name_key)
    if name is None and arn is not None:
        name = arn.rsplit("/", 1)[-1] or None  # moto leaves PolicyName out
    account = account_of(arn) if arn else None
    if arn is None or name is None or account is None:
        return None
    return arn, name, normalize_path(item.get("Path")), account


def _read_groups(state: IamState, page: Mapping[str, Any]) -> None:
    for item in _list(page, "GroupDetailList"):
        ident = _identity(item, "GroupName")
        if ident is None:
            continue
        arn, name, path, account = ident
        state.groups[arn] = Group(
            arn,
            name,
            path,
            account,
            attached=_attached(item),
            inline=_inline(item, "GroupPolicyList"),
            entity_id=_str(item, "GroupId"),
            created=read_time(item.get("CreateDate")),
            origin="baseline",
        )
        state.names.set("group", account, name, arn)


def _read_users(state: IamState, page: Mapping[str, Any]) -> None:
    for item in _list(page, "UserDetailList"):
        ident = _identity(item, "UserName")
        if ident is None:
            continue
        arn, name, path, account = ident
        groups = set()
        for group_name in item.get("GroupList") or []:
            if isinstance(group_name, str):
                group_arn = state.names.get("group", account, group_name)
                groups.add(group_arn or iam_arn("group", account, group_name, "/", _part(arn)))
        state.users[arn] = User(
            arn,
            name,
            path,
            account,
            groups=frozenset(groups),
            attached=_attached(item),
            inline=_inline(item, "UserPolicyList"),
            boundary=_boundary(item),
            tags=_tags(item),
            entity_id=_str(item, "UserId"),
            created=read_time(item.get("CreateDate")),
            origin="baseline",
        )
        state.names.set("user", account, name, arn)


def _part(arn: str) -> str:
    return arn.split(":", 2)[1]


def _read_roles(state: IamState, page: Mapping[str, Any]) -> None:
    for item in _list(page, "RoleDetailList"):
        ident = _identity(item, "RoleName")
        if ident is None:
            continue
        arn, name, path, account = ident
        profiles: set[str] = set()
        for entry in _list(item, "InstanceProfileList"):
            profile = _identity(entry, "InstanceProfileName")
            if profile is None:
                continue
            known = state.instance_profiles.get(profile[0])
            roles = (known.roles if known else frozenset()) | {arn}
            state.instance_profiles[profile[0]] = InstanceProfile(
                *profile,
                roles=roles,
                tags=_tags(entry),
                entity_id=_str(entry, "InstanceProfileId"),
                created=read_time(entry.get("CreateDate")),
                origin="baseline",
            )
            state.names.set("instance_profile", profile[3], profile[1], profile[0])
            profiles.add(profile[0])
        trust = item.get("AssumeRolePolicyDocument")
        state.roles[arn] = Role(
            arn,
            name,
            path,
            account,
            trust=Document.read(trust) if trust is not None else None,
            attached=_attached(item),
            inline=_inline(item, "RolePolicyList"),
            boundary=_boundary(item),
            tags=_tags(item),
            description=_str(item, "Description"),
            max_session_duration=item.get("MaxSessionDuration")
            if isinstance(item.get("MaxSessionDuration"), int)
            else None,
            service_linked=path.startswith("/aws-service-role/"),
            instance_profiles=frozenset(profiles),
            entity_id=_str(item, "RoleId"),
            created=read_time(item.get("CreateDate")),
            origin="baseline",
        )
        state.names.set("role", account, name, arn)


def _read_policies(state: IamState, page: Mapping[str, Any]) -> None:
    for item in _list(page, "Policies"):
        ident = _identity(item, "PolicyName")
        if ident is None:
            continue
        arn, name, path, account = ident
        versions = {
            version_id: PolicyVersion(
                version_id,
                Document.read(entry.get("Document")) if "Document" in entry else None,
                read_time(entry.get("CreateDate")),
            )
            for entry in _list(item, "PolicyVersionList")
            if (version_id := _str(entry, "VersionId"))
        }
        default = _str(item, "DefaultVersionId") or next(
            (
                _str(e, "VersionId")
                for e in _list(item, "PolicyVersionList")
                if e.get("IsDefaultVersion")
            ),
            None,
        )
        state.policies[arn] = ManagedPolicy(
            arn,
            name,
            path,
            account,
            default_version=default,
            versions=versions,
            description=_str(item, "Description"),
            aws_managed=account == "aws",
            entity_id=_str(item, "PolicyId"),
            created=read_time(item.get("CreateDate")),
            origin="baseline",
        )
        if account != "aws":
            state.names.set("policy", account, name, arn)


def _link_members(state: IamState) -> None:
    members: dict[str, set[str]] = {}
    for user in state.users.values():
        for group_arn in user.groups:
            members.setdefault(group_arn, set()).add(user.arn)
    for group_arn, users in members.items():
        group = state.groups.get(group_arn)
        if group is not None:
            state.groups[group_arn] = group._replace(members=frozenset(users))


def read_authorization_details(pages: Iterable[Mapping[str, Any]], at: datetime) -> Baseline:
    """Read GetAccountAuthorizationDetails pages (merged) as the state at ``at``.

    Raises ``BaselineError`` when no page holds any entity with an account in its ARN.
    """
    pages = [page for page in pages if isinstance(page, dict)]
    if not pages or not any(key in page for page in pages for key in PAGE_KEYS):
        raise BaselineError(
            "not a GetAccountAuthorizationDetails document (no UserDetailList, ...)"
        )
    state = IamState()
    for reader in (_read_groups, _read_users, _read_roles, _read_policies):
        for page in pages:
            reader(state, page)
    _link_members(state)
    covers = set(GAAD_FAMILIES)
    for page in pages:
        extras = page.get(EXTRAS_KEY)
        if isinstance(extras, dict):
            covers |= apply_extras(state, extras)
    accounts = state.account_ids()
    if not accounts:
        raise BaselineError("the authorization details name no account (no entity with an ARN)")
    state.baseline_at = dict.fromkeys(accounts, at)
    state.at = at
    return Baseline(state, at, accounts, frozenset(covers))


def read_pages(data: object) -> list[Mapping[str, Any]]:
    """The pages of one file: a page, a list of pages, or ``{"pages": [...]}``."""
    if isinstance(data, list):
        return [page for page in data if isinstance(page, dict)]
    if isinstance(data, dict):
        pages = data.get("pages")
        if isinstance(pages, list):
            return [page for page in pages if isinstance(page, dict)]
        return [data]
    raise BaselineError(f"expected a JSON object or a list of pages, got {type(data).__name__}")


def split_by_account(baseline: Baseline) -> dict[str, IamState]:
    """One state per account (AWS managed policies go with each)."""
    out: dict[str, IamState] = {}
    for account in sorted(baseline.accounts):
        part = IamState()
        for family in FAMILIES:
            owners = (account, "aws") if family == "policy" else (account,)
            source = baseline.state.table(family)
            part.writable(family).update(
                {key: entity for key, entity in source.items() if entity.account in owners}
            )
        part.names = baseline.state.names.of_accounts(frozenset({account}))
        part.baseline_at = {account: baseline.at}
        part.at = baseline.at
        out[account] = part
    return out


def merge_states(parts: Iterable[IamState]) -> IamState:
    """One state holding every part's entities (parts are disjoint by account)."""
    merged = IamState()
    for part in parts:
        for family in FAMILIES:
            merged.writable(family).update(part.table(family))
        merged.names.update(part.names)
        merged.assumptions.update(part.assumptions)
        merged.sign_ins.update(part.sign_ins)
        merged.anomalies.extend(part.anomalies)
        merged.baseline_at.update(part.baseline_at)
        if part.at is not None and (merged.at is None or part.at > merged.at):
            merged.at = part.at
    return merged
