"""Who a role trust policy lets in, classified against the organization.

Each principal of each Allow statement that grants an ``sts:`` assume action becomes one
:class:`TrustedPrincipal` with its kind (same-account, organization, vendor, external,
public, service, oidc, saml), the constraints its statement's conditions impose (ANDed),
and a severity hint. Deny statements subtract: an unconditional Deny removes the
principals it names; a Deny with a single negated org/account/MFA condition constrains
every Allow (``Deny * unless aws:PrincipalOrgID = o-1``).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from typing import Any, NamedTuple

from auditor.policy.actions import action_matches
from auditor.policy.conditions import ConditionFacts, read_allow_facts, read_deny_facts
from auditor.policy.document import Condition, PolicyDocument, Statement
from auditor.policy.oidc import oidc_provider, subject_constrained

TRUST_ACTIONS = (
    "sts:AssumeRole",
    "sts:AssumeRoleWithWebIdentity",
    "sts:AssumeRoleWithSAML",
    "sts:TagSession",
    "sts:SetSourceIdentity",
    "sts:SetContext",
)
SEVERITIES = ("info", "low", "medium", "high", "critical")
COMPUTE_SERVICES = frozenset(
    {
        "ec2.amazonaws.com",
        "lambda.amazonaws.com",
        "edgelambda.amazonaws.com",
        "ecs-tasks.amazonaws.com",
        "eks.amazonaws.com",
        "pods.eks.amazonaws.com",
        "eks-fargate-pods.amazonaws.com",
        "tasks.apprunner.amazonaws.com",
        "build.apprunner.amazonaws.com",
        "codebuild.amazonaws.com",
        "states.amazonaws.com",
        "glue.amazonaws.com",
        "sagemaker.amazonaws.com",
    }
)
_ACCOUNT_IN_ARN = re.compile(r"arn:[^:]*:(?:iam|sts)::(\d{12}):")
_UNIQUE_ID = re.compile(r"A[A-Z0-9]{15,}")


@dataclass(frozen=True, slots=True)
class OrganizationContext:
    """What counts as inside: the role's account, the org's accounts, known vendors.

    ``org_ids`` (optional) lets ``aws:PrincipalOrgID`` conditions be checked; when empty,
    any org id is taken to be ours.
    """

    owner_account: str
    org_accounts: frozenset[str] = frozenset()
    known_accounts: Mapping[str, str] = field(default_factory=dict)
    org_ids: frozenset[str] = frozenset()

    def account_kind(self, account: str) -> str:
        """``same-account``, ``organization``, ``vendor`` or ``external``."""
        if account == self.owner_account:
            return "same-account"
        if account in self.org_accounts:
            return "organization"
        return "vendor" if account in self.known_accounts else "external"


@dataclass(frozen=True, slots=True)
class TrustedPrincipal:
    """One principal a trust policy admits, with the constraints on it."""

    principal: str
    kind: str
    actions: tuple[str, ...]
    account_id: str | None = None
    vendor: str | None = None
    provider: str | None = None
    has_external_id: bool = False
    has_org_condition: bool = False
    requires_mfa: bool = False
    has_source_constraint: bool = False
    has_subject_condition: bool = False
    sid: str | None = None
    conditions: dict[str, dict[str, list[str]]] = field(
        default_factory=dict, compare=False, hash=False
    )

    @property
    def key(self) -> tuple[str, str]:
        """What identifies this grant across versions: (principal, kind)."""
        return (self.principal, self.kind)

    @property
    def risk(self) -> str:
        """Severity hint from ``info`` to ``critical``.

        public: critical, high with a source, network or user-id condition (an ExternalId,
        MFA or tag condition limits nothing: any account can meet it); oidc
        without a pinned subject: critical (github, cognito, google), high (eks, other);
        external: high, medium with ExternalId, MFA or an org condition, low for a deleted
        principal's unique id; vendor: medium without ExternalId; service: low without a
        source constraint unless a compute runtime; everything else info.
        """
        return _risk(self)

    @property
    def is_risky(self) -> bool:
        """Whether the hint is medium or worse."""
        return SEVERITIES.index(self.risk) >= SEVERITIES.index("medium")

    def to_dict(self) -> dict[str, Any]:
        """The JSON form used in change and finding details."""
        return {
            "principal": self.principal,
            "kind": self.kind,
            "risk": self.risk,
            "account_id": self.account_id,
            "vendor": self.vendor,
            "actions": list(self.actions),
            "has_external_id": self.has_external_id,
            "conditions": self.conditions,
        }


class PrincipalDelta(NamedTuple):
    """Principals a trust change admitted and removed, keyed on (principal, kind)."""

    gained: tuple[TrustedPrincipal, ...]
    lost: tuple[TrustedPrincipal, ...]


def classify_trust(
    document: PolicyDocument, ctx: OrganizationContext
) -> tuple[TrustedPrincipal, ...]:
    """Every principal the trust policy admits, classified (document order)."""
    guard = ConditionFacts()
    denied: set[tuple[str, str]] = set()
    for statement in document.statements:
        if not statement.is_deny or not _trust_actions(statement):
            continue
        if not statement.conditions:
            if _is_everyone(statement.principals):
                return ()
            denied.update(statement.principals)
        elif _is_everyone(statement.principals):
            guard = guard.merged(read_deny_facts(statement.conditions))
    out: list[TrustedPrincipal] = []
    for statement in document.statements:
        actions = _trust_actions(statement) if statement.is_allow else ()
        if not actions:
            continue
        facts = read_allow_facts(statement.conditions).merged(guard)
        conditions = _conditions_dict(statement.conditions)  # once, shared by its principals
        principals = statement.principals
        if statement.not_principals and not principals:
            principals = (("*", "*"),)  # Allow + NotPrincipal: everyone else
        for principal in principals:
            if principal in denied:
                continue
            out.append(_classify(principal, statement, actions, facts, conditions, ctx))
    return tuple(out)


def principal_delta(
    before: Iterable[TrustedPrincipal], after: Iterable[TrustedPrincipal]
) -> PrincipalDelta:
    """Principals in ``after`` but not ``before`` (gained) and the reverse (lost)."""
    old = {principal.key: principal for principal in before}
    new = {principal.key: principal for principal in after}
    return PrincipalDelta(
        gained=tuple(principal for key, principal in new.items() if key not in old),
        lost=tuple(principal for key, principal in old.items() if key not in new),
    )


def weakened_principals(
    before: Iterable[TrustedPrincipal], after: Iterable[TrustedPrincipal]
) -> tuple[TrustedPrincipal, ...]:
    """Principals kept by a change whose risk hint got worse (e.g. ExternalId removed)."""
    old: dict[tuple[str, str], int] = {}
    for principal in before:
        rank = SEVERITIES.index(principal.risk)
        old[principal.key] = min(rank, old.get(principal.key, rank))
    return tuple(
        principal
        for principal in after
        if principal.key in old and SEVERITIES.index(principal.risk) > old[principal.key]
    )


def _trust_actions(statement: Statement) -> tuple[str, ...]:
    if statement.not_actions:
        return tuple(
            action
            for action in TRUST_ACTIONS
            if not any(action_matches(pattern, action) for pattern in statement.not_actions)
        )
    return tuple(
        action
        for action in TRUST_ACTIONS
        if any(action_matches(pattern, action) for pattern in statement.actions)
    )


def _is_everyone(principals: tuple[tuple[str, str], ...]) -> bool:
    return any(value == "*" and kind in ("*", "AWS") for kind, value in principals)


def _classify(
    principal: tuple[str, str],
    statement: Statement,
    actions: tuple[str, ...],
    facts: ConditionFacts,
    conditions: dict[str, dict[str, list[str]]],
    ctx: OrganizationContext,
) -> TrustedPrincipal:
    kind, value = principal
    base = TrustedPrincipal(
        principal=value if kind != "*" else "*",
        kind="external",
        actions=actions,
        has_external_id=bool(facts.external_ids),
        has_org_condition=bool(facts.org_ids) or _accounts_inside(facts.principal_accounts, ctx),
        requires_mfa=facts.requires_mfa,
        has_source_constraint=facts.source_constraint,
        sid=statement.sid,
        conditions=conditions,
    )
    if kind == "*" or (kind == "AWS" and value == "*"):
        return _classify_everyone(base, facts, ctx)
    if kind == "AWS":
        account = _account_of(value)
        if account is None:
            return base
        return _with_account(base, account, ctx)
    if kind == "Service":
        return replace(base, kind="service")
    if kind == "Federated":
        return _classify_federated(base, value, facts)
    return base  # CanonicalUser or unknown kinds: outside, account unknown


def _classify_everyone(
    base: TrustedPrincipal, facts: ConditionFacts, ctx: OrganizationContext
) -> TrustedPrincipal:
    accounts: set[str | None] = set(facts.principal_accounts)
    if not accounts:
        accounts = {_account_of(arn) for arn in facts.principal_arns}
    if accounts and None not in accounts:
        known = {account for account in accounts if account is not None}
        worst = max(sorted(known), key=lambda account: _ACCOUNT_RANK[ctx.account_kind(account)])
        return _with_account(base, worst, ctx)
    if facts.org_ids:
        ours = not ctx.org_ids or facts.org_ids <= ctx.org_ids
        kind = "organization" if ours else "external"
        return replace(base, kind=kind, has_org_condition=ours)
    return replace(base, kind="public")


_ACCOUNT_RANK = {"same-account": 0, "organization": 1, "vendor": 2, "external": 3}


def _classify_federated(
    base: TrustedPrincipal, value: str, facts: ConditionFacts
) -> TrustedPrincipal:
    account = _account_of(value)
    if ":saml-provider/" in value:
        return replace(base, kind="saml", account_id=account)
    host, provider = oidc_provider(value)
    return replace(
        base,
        kind="oidc",
        account_id=account,
        provider=provider,
        has_subject_condition=subject_constrained(host, provider, facts),
    )


def _with_account(
    base: TrustedPrincipal, account: str, ctx: OrganizationContext
) -> TrustedPrincipal:
    kind = ctx.account_kind(account)
    return replace(
        base,
        kind=kind,
        account_id=account,
        vendor=ctx.known_accounts.get(account) if kind == "vendor" else None,
    )


def _accounts_inside(accounts: frozenset[str], ctx: OrganizationContext) -> bool:
    inside = ("same-account", "organization")
    return bool(accounts) and all(ctx.account_kind(account) in inside for account in accounts)


def _account_of(value: str) -> str | None:
    if len(value) == 12 and value.isdigit():
        return value
    match = _ACCOUNT_IN_ARN.match(value)
    return match.group(1) if match else None


def _conditions_dict(conditions: tuple[Condition, ...]) -> dict[str, dict[str, list[str]]]:
    block: dict[str, dict[str, list[str]]] = {}
    for condition in conditions:
        block.setdefault(condition.operator, {})[condition.key] = list(condition.values)
    return block


_CALLER_LIMITS = frozenset({"aws:sourceip", "aws:sourcevpc", "aws:sourcevpce", "aws:userid"})


def _limits_caller(principal: TrustedPrincipal) -> bool:
    """A source (service context), network or user-id condition that requires a value."""
    if principal.has_source_constraint:
        return True
    return any(
        key.lower() in _CALLER_LIMITS and values
        for operator, block in principal.conditions.items()
        if "not" not in operator.lower() and not operator.lower().endswith("ifexists")
        for key, values in block.items()
    )


def _risk(principal: TrustedPrincipal) -> str:
    kind = principal.kind
    if kind == "public":
        # sts:ExternalId, MFA or tags do not pin the caller: any account can meet them
        return "high" if _limits_caller(principal) else "critical"
    if kind == "oidc":
        if principal.has_subject_condition:
            return "info"
        return "high" if principal.provider in ("eks", "other") else "critical"
    if kind == "external":
        if principal.account_id is None and _UNIQUE_ID.fullmatch(principal.principal):
            return "low"  # a deleted principal's unique id: cannot be re-created
        guarded = principal.has_external_id or principal.requires_mfa
        return "medium" if guarded or principal.has_org_condition else "high"
    if kind == "vendor":
        return "info" if principal.has_external_id else "medium"
    if kind == "service":
        guarded = principal.has_source_constraint or principal.principal in COMPUTE_SERVICES
        return "info" if guarded else "low"
    return "info"
