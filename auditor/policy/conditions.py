"""What a statement's Condition block guarantees, read for trust analysis.

Conditions in one statement are ANDed, so each constraint found narrows the statement.
Only operators that *require* a value count as constraints: ``StringEquals``,
``StringLike``, ``ArnEquals``, ``ArnLike`` (case variants included) and ``Bool``. Negated
operators, ``...IfExists`` (a missing key passes), ``ForAllValues:`` (an empty set passes)
and values that are only wildcards constrain nothing. A Deny with a negated operator
(``StringNotEquals aws:PrincipalOrgID``) is read as the matching positive constraint.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from auditor.policy.document import Condition

_POSITIVE = ("stringequals", "stringequalsignorecase", "stringlike", "arnequals", "arnlike")
_NEGATED = (
    "stringnotequals",
    "stringnotequalsignorecase",
    "stringnotlike",
    "arnnotequals",
    "arnnotlike",
)


@dataclass(frozen=True, slots=True)
class ConditionFacts:
    """The constraints one statement puts on who may call it."""

    external_ids: frozenset[str] = frozenset()
    org_ids: frozenset[str] = frozenset()
    principal_accounts: frozenset[str] = frozenset()
    principal_arns: frozenset[str] = frozenset()
    requires_mfa: bool = False
    source_constraint: bool = False
    keys: dict[str, frozenset[str]] = field(default_factory=dict)

    def values(self, key: str) -> frozenset[str]:
        """Constraining values of ``key`` (lowercase), empty if it does not constrain."""
        return self.keys.get(key.lower(), frozenset())

    def merged(self, other: ConditionFacts) -> ConditionFacts:
        """Both sets of constraints at once (used to apply Deny guard rails)."""
        keys = dict(self.keys)
        for key, values in other.keys.items():
            keys[key] = keys[key] & values if key in keys else values
        return ConditionFacts(
            external_ids=self.external_ids | other.external_ids,
            org_ids=self.org_ids | other.org_ids,
            principal_accounts=self.principal_accounts | other.principal_accounts,
            principal_arns=self.principal_arns | other.principal_arns,
            requires_mfa=self.requires_mfa or other.requires_mfa,
            source_constraint=self.source_constraint or other.source_constraint,
            keys=keys,
        )


def is_positive(operator: str) -> bool:
    """Whether a condition with this operator requires its values to be present."""
    return operator.lower() in _POSITIVE


def is_negated(operator: str) -> bool:
    """Whether the operator is a plain negation (no IfExists, no set qualifier)."""
    return operator.lower() in _NEGATED


def constraining_values(condition: Condition) -> frozenset[str]:
    """The values a condition requires, or nothing if it does not constrain."""
    values = frozenset(value for value in condition.values if value.strip("*?") != "")
    return values if is_positive(condition.operator) and values else frozenset()


def read_allow_facts(conditions: Iterable[Condition]) -> ConditionFacts:
    """Constraints of an Allow statement's conditions."""
    keys: dict[str, frozenset[str]] = {}
    mfa = False
    for condition in conditions:
        key = condition.key_lower
        if _requires_mfa(condition):
            mfa = True
        values = constraining_values(condition)
        if values:
            keys[key] = keys[key] & values if key in keys else values
    return _facts(keys, mfa)


def read_deny_facts(conditions: Iterable[Condition]) -> ConditionFacts:
    """Constraints that a Deny with negated conditions imposes on everything else.

    ``Deny ... StringNotEquals aws:PrincipalOrgID o-1`` means "only o-1 may call";
    ``Deny ... Bool aws:MultiFactorAuthPresent false`` means "only with MFA".
    """
    keys: dict[str, frozenset[str]] = {}
    mfa = False
    conditions = tuple(conditions)
    if len(conditions) != 1:
        return ConditionFacts()  # several conditions AND into a narrower Deny: no guarantee
    for condition in conditions:
        key = condition.key_lower
        operator = condition.operator.lower().removesuffix("ifexists")
        if key == "aws:multifactorauthpresent" and operator == "bool":
            mfa = _lowered(condition.values) == ("false",)
        values = frozenset(value for value in condition.values if value.strip("*?") != "")
        if is_negated(condition.operator) and values:
            keys[key] = values
    return _facts(keys, mfa)


def _facts(keys: dict[str, frozenset[str]], mfa: bool) -> ConditionFacts:
    return ConditionFacts(
        external_ids=keys.get("sts:externalid", frozenset()),
        org_ids=keys.get("aws:principalorgid", frozenset())
        | frozenset(path.split("/")[0] for path in keys.get("aws:principalorgpaths", ())),
        principal_accounts=keys.get("aws:principalaccount", frozenset()),
        principal_arns=keys.get("aws:principalarn", frozenset()),
        requires_mfa=mfa,
        source_constraint=any(
            key in keys
            for key in (
                "aws:sourceaccount",
                "aws:sourcearn",
                "aws:sourceorgid",
                "aws:sourceorgpaths",
            )
        ),
        keys=keys,
    )


def _requires_mfa(condition: Condition) -> bool:
    key = condition.key_lower
    operator = condition.operator.lower()
    if key == "aws:multifactorauthpresent":
        return operator == "bool" and _lowered(condition.values) == ("true",)
    if key == "aws:multifactorauthage":
        return operator in ("numericlessthan", "numericlessthanequals")
    return False


def _lowered(values: tuple[str, ...]) -> tuple[str, ...]:
    return tuple(value.lower() for value in values)
