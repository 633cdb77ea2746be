"""Who can become whom: role assumption (direct and chained) and paths to admin power.

A principal can assume a role when the role's trust policy admits it and, unless the
trust names it explicitly in the same account, its own identity policies allow
``sts:AssumeRole`` on the role. Conditions are not evaluated (a condition narrows
*when*, not *who*); the trust classification shows them.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Iterable
from dataclasses import dataclass

from auditor.iam.arns import account_of
from auditor.iam.permissions import identity_documents, managed_document
from auditor.iam.state import IamState
from auditor.policy.actions import ActionCatalog, action_matches, load_action_catalog
from auditor.policy.document import PolicyDocument
from auditor.policy.risk import is_admin_equivalent
from auditor.policy.trust import OrganizationContext, TrustedPrincipal, classify_trust
from auditor.policy.wildcard import wildcard_match

ASSUME = "sts:AssumeRole"


@dataclass(frozen=True, slots=True)
class AssumeGrant:
    """One way into a role: who, and how the trust policy classifies them."""

    source: str
    role_arn: str
    kind: str


@dataclass(frozen=True, slots=True)
class AssumePath:
    """A principal and the chain of roles it can go through to reach the target."""

    principal: str
    chain: tuple[str, ...]

    @property
    def direct(self) -> bool:
        """Whether the principal assumes the target itself."""
        return len(self.chain) == 2


def _resource_matches(pattern: str, arn: str) -> bool:
    """IAM Resource matching: ``*`` and ``?`` only, case-sensitive, never backtracking."""
    return wildcard_match(pattern, arn, fold=False)


def may_call(documents: Iterable[PolicyDocument], action: str, resource: str) -> bool:
    """Whether identity policies allow ``action`` on ``resource`` (unconditional Deny wins)."""
    allowed = False
    for document in documents:
        for statement in document.statements:
            if statement.not_actions:
                hit = not any(action_matches(p, action) for p in statement.not_actions)
            else:
                hit = any(action_matches(p, action) for p in statement.actions)
            if not hit:
                continue
            if statement.not_resources:
                on = not any(_resource_matches(p, resource) for p in statement.not_resources)
            else:
                on = any(_resource_matches(p, resource) for p in statement.resources)
            if not on:
                continue
            if statement.is_deny and not statement.conditions:
                return False
            if statement.is_allow:
                allowed = True
    return allowed


def _trusted(
    state: IamState, role_arn: str, org_accounts: frozenset[str]
) -> tuple[TrustedPrincipal, ...]:
    role = state.roles.get(role_arn)
    parsed = role.trust.parsed() if role is not None and role.trust is not None else None
    if role is None or parsed is None:
        return ()
    return classify_trust(parsed, OrganizationContext(role.account, org_accounts))


class AssumeIndex:
    """Every ``AssumeGrant`` of a state, by role, computed once."""

    def __init__(self, state: IamState, org_accounts: frozenset[str] = frozenset()) -> None:
        self.state = state
        self._docs: dict[str, list[PolicyDocument]] = {}
        self.into: dict[str, list[AssumeGrant]] = {}
        by_account: dict[str, list[str]] = {}
        for arn in (*state.users, *state.roles):
            by_account.setdefault(account_of(arn) or "", []).append(arn)
        for role_arn in state.roles:
            grants: dict[str, AssumeGrant] = {}
            for trusted in _trusted(state, role_arn, org_accounts):
                if not any(action_matches(ASSUME, a) or a == ASSUME for a in trusted.actions):
                    continue
                for source in self._sources(trusted, role_arn, by_account):
                    grants.setdefault(source, AssumeGrant(source, role_arn, trusted.kind))
            self.into[role_arn] = list(grants.values())

    def _documents(self, arn: str) -> list[PolicyDocument]:
        if arn not in self._docs:
            self._docs[arn] = identity_documents(self.state, arn)[0]
        return self._docs[arn]

    def _sources(
        self, trusted: TrustedPrincipal, role_arn: str, by_account: dict[str, list[str]]
    ) -> list[str]:
        value = trusted.principal
        if trusted.kind in ("service", "saml", "oidc", "public"):
            return [value]
        if value.endswith(":root"):
            account = account_of(value) or ""
            inside = [
                arn
                for arn in by_account.get(account, [])
                if arn != role_arn and may_call(self._documents(arn), ASSUME, role_arn)
            ]
            return [value, *inside]
        known = value in self.state.users or value in self.state.roles
        if known and account_of(value) != account_of(role_arn):
            return [value] if may_call(self._documents(value), ASSUME, role_arn) else []
        return [value]


def who_can_assume(
    state: IamState,
    role_arn: str,
    org_accounts: frozenset[str] = frozenset(),
    index: AssumeIndex | None = None,
) -> list[AssumePath]:
    """Every principal that can reach ``role_arn``, directly or through a chain of roles.

    Shortest chain first; each chain runs from the principal to ``role_arn``.
    """
    index = index or AssumeIndex(state, org_accounts)
    paths: list[AssumePath] = []
    seen = {role_arn}
    queue: deque[tuple[str, ...]] = deque([(role_arn,)])
    while queue:
        chain = queue.popleft()
        for grant in index.into.get(chain[0], []):
            if grant.source in seen:
                continue
            seen.add(grant.source)
            longer = (grant.source, *chain)
            paths.append(AssumePath(grant.source, longer))
            if grant.source in state.roles:
                queue.append(longer)
    return paths


def admin_principals(state: IamState, catalog: ActionCatalog | None = None) -> list[str]:
    """Users and roles whose identity policies amount to admin (boundaries respected)."""
    catalog = catalog or load_action_catalog()
    found: list[str] = []
    for arn in sorted((*state.users, *state.roles)):
        documents, _ = identity_documents(state, arn)
        if not documents or not is_admin_equivalent(documents, catalog):
            continue
        entity = state.users.get(arn) or state.roles.get(arn)
        boundary = entity.boundary if entity is not None else None
        if boundary is not None:
            bound = managed_document(state, boundary)
            if bound is not None and not is_admin_equivalent([bound], catalog):
                continue
        found.append(arn)
    return found


def paths_to_admin(
    state: IamState,
    org_accounts: frozenset[str] = frozenset(),
    catalog: ActionCatalog | None = None,
) -> list[AssumePath]:
    """From every principal that has or can reach admin power, its shortest chain.

    An admin principal itself is a chain of one; others end at an admin role.
    """
    index = AssumeIndex(state, org_accounts)
    admins = admin_principals(state, catalog)
    best: dict[str, AssumePath] = {arn: AssumePath(arn, (arn,)) for arn in admins}
    for admin in admins:
        if admin not in state.roles:
            continue
        for path in who_can_assume(state, admin, org_accounts, index):
            current = best.get(path.principal)
            if current is None or len(path.chain) < len(current.chain):
                best[path.principal] = path
    return sorted(best.values(), key=lambda p: (len(p.chain), p.principal))
