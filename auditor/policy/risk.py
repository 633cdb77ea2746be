"""What a set of policies allows that matters: admin equivalence and risky action groups.

Definitions (tested in ``tests/policy``):

* **On ``*``**: an Allow statement whose Resource matches every resource, or that uses
  NotResource (everything except a list). Conditions do not narrow this (a condition
  limits *when*, not *what*); unconditional Deny on ``*`` is subtracted.
* **Admin-equivalent**: the actions allowed on ``*`` either (a) cover at least
  ``ADMIN_SHARE`` of the catalog and include at least one self-granting IAM action
  of ``SELF_GRANT_ACTIONS``, or (b) include every ``iam:*`` action and ``sts:AssumeRole``
  (create or edit a role with any policy, then assume it). ``AdministratorAccess`` is;
  ``PowerUserAccess`` (no IAM writes) and ``IAMFullAccess`` (no sts:AssumeRole) are not,
  though the latter matches privilege-escalation paths.
"""

from __future__ import annotations

import functools
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Literal

from auditor.policy.actions import (
    ActionCatalog,
    allowed_actions,
    is_unconditional_deny_on_all,
    load_action_catalog,
)
from auditor.policy.bounded_cache import BoundedCache
from auditor.policy.document import PolicyDocument, Statement
from auditor.policy.privesc import PrivescMatch, find_privesc_paths
from auditor.policy.tables import TableSource, load_table

RISKY_TABLE = "risky_actions.toml"
ADMIN_SHARE = 0.99
SELF_GRANT_ACTIONS = frozenset(
    {
        "iam:AttachUserPolicy",
        "iam:AttachGroupPolicy",
        "iam:AttachRolePolicy",
        "iam:PutUserPolicy",
        "iam:PutGroupPolicy",
        "iam:PutRolePolicy",
        "iam:CreatePolicyVersion",
    }
)
ResourceScope = Literal["all", "all-except", "scoped", "none"]
ActionsOrDocuments = frozenset[str] | set[str] | PolicyDocument | Iterable[PolicyDocument]
DocumentKey = tuple[PolicyDocument, ActionCatalog]
OnAll = tuple[frozenset[str], frozenset[str]]
# per-document results, bounded by entries and by weight (actions held + document size)
DOCUMENT_CACHE_ENTRIES = 8192
DOCUMENT_CACHE_WEIGHT = 2_000_000


@dataclass(frozen=True, slots=True)
class RiskSummary:
    """The risky grants of a set of policies, each the sorted actions that hit."""

    admin: bool
    privesc: tuple[PrivescMatch, ...]
    permissions_management: tuple[str, ...]
    data_access: tuple[str, ...]
    credential_exposure: tuple[str, ...]
    logging_tampering: tuple[str, ...]

    @property
    def any(self) -> bool:
        """Whether anything at all was found."""
        return self.admin or any(
            (
                self.privesc,
                self.permissions_management,
                self.data_access,
                self.credential_exposure,
                self.logging_tampering,
            )
        )


@dataclass(frozen=True, slots=True)
class RiskyCategory:
    """One hand-curated category: which actions, and whether they count only on ``*``."""

    name: str
    title: str
    rationale: str
    actions: frozenset[str]
    on_all_only: frozenset[str]


def resource_scope(statement: Statement) -> ResourceScope:
    """``all`` (Resource ``*``), ``all-except`` (NotResource), ``scoped`` or ``none``."""
    if statement.covers_all_resources:
        return "all"
    if statement.not_resources:
        return "all-except"
    return "scoped" if statement.resources else "none"


def document_size(document: PolicyDocument) -> int:
    """How many values a document holds (its weight in the per-document caches)."""
    return sum(
        1
        + len(s.actions)
        + len(s.not_actions)
        + len(s.resources)
        + len(s.not_resources)
        + len(s.principals)
        + len(s.not_principals)
        + len(s.conditions)
        for s in document.statements
    )


def _on_all_weight(key: DocumentKey, value: OnAll) -> int:
    catalog_all = key[1].all_actions()
    held = sum(0 if actions is catalog_all else len(actions) for actions in value)
    return document_size(key[0]) + held


def _admin_weight(key: DocumentKey, value: bool) -> int:
    return document_size(key[0])


_ON_ALL_CACHE: BoundedCache[DocumentKey, OnAll] = BoundedCache(
    DOCUMENT_CACHE_ENTRIES, DOCUMENT_CACHE_WEIGHT, _on_all_weight
)
_ADMIN_CACHE: BoundedCache[DocumentKey, bool] = BoundedCache(
    DOCUMENT_CACHE_ENTRIES, DOCUMENT_CACHE_WEIGHT, _admin_weight
)


def _document_on_all(document: PolicyDocument, catalog: ActionCatalog) -> OnAll:
    """One document's actions allowed on ``*`` and unconditionally denied (memoized)."""
    key = (document, catalog)
    found = _ON_ALL_CACHE.get(key)
    if found is not None:
        return found
    allowed: set[str] = set()
    denied: set[str] = set()
    for statement in document.statements:
        if statement.is_allow and resource_scope(statement) in ("all", "all-except"):
            allowed |= catalog.statement_actions(statement)
        elif is_unconditional_deny_on_all(statement):
            denied |= catalog.statement_actions(statement)
    return _ON_ALL_CACHE.put(key, (frozenset(allowed), frozenset(denied)))


def actions_on_all_resources(
    documents: Iterable[PolicyDocument], catalog: ActionCatalog | None = None
) -> frozenset[str]:
    """Actions allowed on ``*`` (see the module docstring), minus unconditional Deny."""
    catalog = catalog or load_action_catalog()
    allowed: set[str] = set()
    denied: set[str] = set()
    for document in documents:
        document_allowed, document_denied = _document_on_all(document, catalog)
        allowed |= document_allowed
        denied |= document_denied
    return frozenset(allowed - denied)


def _document_is_admin(document: PolicyDocument, catalog: ActionCatalog) -> bool:
    key = (document, catalog)
    found = _ADMIN_CACHE.get(key)
    if found is None:
        found = _ADMIN_CACHE.put(
            key, _admin_on_all(actions_on_all_resources([document], catalog), catalog)
        )
    return found


def is_admin_equivalent(value: ActionsOrDocuments, catalog: ActionCatalog | None = None) -> bool:
    """Whether policies (or actions already known to be allowed on ``*``) amount to admin."""
    catalog = catalog or load_action_catalog()
    if isinstance(value, PolicyDocument):
        return _document_is_admin(value, catalog)
    return _admin_on_all(_on_all(value, catalog), catalog)


def _admin_on_all(on_all: frozenset[str], catalog: ActionCatalog) -> bool:
    if catalog.expand("iam:*") <= on_all and "sts:AssumeRole" in on_all:
        return True
    share = len(on_all & catalog.all_actions()) / max(len(catalog), 1)
    return share >= ADMIN_SHARE and not SELF_GRANT_ACTIONS.isdisjoint(on_all)


def risky_grants(value: ActionsOrDocuments, catalog: ActionCatalog | None = None) -> RiskSummary:
    """Admin, escalation paths and risky action groups granted.

    Given documents, "on ``*``" categories use :func:`actions_on_all_resources` and the
    others every allowed action; given an action set, it is used for both.
    """
    catalog = catalog or load_action_catalog()
    if isinstance(value, set | frozenset):
        allowed = on_all = _canonical_set(value, catalog)
    else:
        documents = _documents(value)
        allowed = allowed_actions(documents, catalog)
        on_all = actions_on_all_resources(documents, catalog)
    categories = load_risky_categories(catalog)

    def hits(name: str) -> tuple[str, ...]:
        category = categories[name]
        found = (allowed & (category.actions - category.on_all_only)) | (
            on_all & category.on_all_only
        )
        return tuple(sorted(found))

    return RiskSummary(
        admin=_admin_on_all(on_all, catalog),
        privesc=find_privesc_paths(allowed),
        permissions_management=hits("permissions_management"),
        data_access=hits("data_access"),
        credential_exposure=hits("credential_exposure"),
        logging_tampering=hits("logging_tampering"),
    )


@functools.cache
def load_risky_categories(catalog: ActionCatalog | None = None) -> dict[str, RiskyCategory]:
    """The hand-curated categories, their patterns expanded against the catalog."""
    catalog = catalog or load_action_catalog()
    table = load_table(RISKY_TABLE)
    out: dict[str, RiskyCategory] = {}
    for name, entry in table["categories"].items():
        actions: set[str] = set()
        on_all_only: set[str] = set()
        if entry.get("access_level"):
            actions |= catalog.actions_with_access_level(entry["access_level"])
        for item in entry.get("actions", []):
            expanded = catalog.expand(item["action"])
            actions |= expanded
            if item.get("scope", entry.get("scope")) == "*":
                on_all_only |= expanded
        if entry.get("scope") == "*":
            on_all_only |= actions
        out[name] = RiskyCategory(
            name=name,
            title=entry["title"],
            rationale=entry["rationale"],
            actions=frozenset(actions),
            on_all_only=frozenset(on_all_only),
        )
    return out


def risky_source() -> TableSource:
    """Where the risky action sets come from."""
    return TableSource.from_header(load_table(RISKY_TABLE).get("source"))


def _documents(value: PolicyDocument | Iterable[PolicyDocument]) -> list[PolicyDocument]:
    if isinstance(value, PolicyDocument):
        return [value]
    return [document for document in value if isinstance(document, PolicyDocument)]


def _canonical_set(actions: Iterable[str], catalog: ActionCatalog) -> frozenset[str]:
    known = catalog.all_actions()
    return frozenset(action if action in known else catalog.canonical(action) for action in actions)


def _on_all(value: ActionsOrDocuments, catalog: ActionCatalog) -> frozenset[str]:
    if isinstance(value, set | frozenset):
        return _canonical_set(value, catalog)
    return actions_on_all_resources(_documents(value), catalog)
