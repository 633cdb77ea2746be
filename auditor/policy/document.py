"""IAM policy documents as list-normalized, immutable statements.

Every field a statement may give as a string or a list is a tuple here, so callers never
branch on shape. Parsing is tolerant: odd input yields ``None`` or skips the odd parts, and
never raises.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from auditor.policy.text import PolicyText, read_policy_text

PRINCIPAL_KINDS = ("AWS", "Service", "Federated", "CanonicalUser", "*")
_PRINCIPAL_KIND_BY_LOWER = {kind.lower(): kind for kind in PRINCIPAL_KINDS}
_ALL_RESOURCES = re.compile(r"\*+|arn(?::(?:\*|aws[a-z-]*))?(?::\*+)+")


@dataclass(frozen=True, slots=True)
class Condition:
    """One ``operator → key → values`` entry of a Condition block."""

    operator: str
    key: str
    values: tuple[str, ...]

    @property
    def key_lower(self) -> str:
        """The condition key, lowercased (IAM compares keys case-insensitively)."""
        return self.key.lower()


@dataclass(frozen=True, slots=True)
class Statement:
    """One policy statement; every multi-valued element is a tuple."""

    sid: str | None
    effect: str
    actions: tuple[str, ...] = ()
    not_actions: tuple[str, ...] = ()
    resources: tuple[str, ...] = ()
    not_resources: tuple[str, ...] = ()
    principals: tuple[tuple[str, str], ...] = ()
    not_principals: tuple[tuple[str, str], ...] = ()
    conditions: tuple[Condition, ...] = ()

    @property
    def is_allow(self) -> bool:
        """Whether the statement allows."""
        return self.effect == "Allow"

    @property
    def is_deny(self) -> bool:
        """Whether the statement denies."""
        return self.effect == "Deny"

    @property
    def covers_all_resources(self) -> bool:
        """Whether Resource matches every resource (``*``, ``arn:aws:*:*:*:*``...)."""
        return any(is_all_resources(resource) for resource in self.resources)

    def to_dict(self) -> dict[str, Any]:
        """The statement in the AWS JSON shape (lists throughout)."""
        out: dict[str, Any] = {}
        if self.sid is not None:
            out["Sid"] = self.sid
        out["Effect"] = self.effect
        for name, principals in (
            ("Principal", self.principals),
            ("NotPrincipal", self.not_principals),
        ):
            if principals:
                out[name] = _principals_to_json(principals)
        for name, values in (
            ("Action", self.actions),
            ("NotAction", self.not_actions),
            ("Resource", self.resources),
            ("NotResource", self.not_resources),
        ):
            if values:
                out[name] = list(values)
        if self.conditions:
            block: dict[str, dict[str, list[str]]] = {}
            for cond in self.conditions:
                block.setdefault(cond.operator, {})[cond.key] = list(cond.values)
            out["Condition"] = block
        return out


@dataclass(frozen=True, slots=True)
class PolicyDocument:
    """A parsed policy: its version string and its statements in order."""

    version: str | None
    statements: tuple[Statement, ...]

    def to_dict(self) -> dict[str, Any]:
        """The document in the AWS JSON shape, for reports."""
        out: dict[str, Any] = {}
        if self.version is not None:
            out["Version"] = self.version
        out["Statement"] = [statement.to_dict() for statement in self.statements]
        return out


def is_all_resources(resource: str) -> bool:
    """Whether one Resource pattern matches every resource."""
    return _ALL_RESOURCES.fullmatch(resource.strip()) is not None


def parse_policy(value: object) -> PolicyDocument | None:
    """Parse a policy from a PolicyText, a dict, or a JSON / URL-encoded JSON string.

    Returns ``None`` when the value is not a policy (no ``Statement``); never raises.
    """
    if isinstance(value, PolicyDocument):
        return value
    if isinstance(value, bytes):
        value = value.decode("utf-8", errors="replace")
    text = value if isinstance(value, PolicyText) else read_policy_text(value)
    document = text.document
    if document is None or "Statement" not in document:
        return None
    raw_statements = document["Statement"]
    if isinstance(raw_statements, dict):
        raw_statements = [raw_statements]
    if not isinstance(raw_statements, list):
        return None
    statements = tuple(_parse_statement(raw) for raw in raw_statements if isinstance(raw, dict))
    version = document.get("Version")
    return PolicyDocument(version if isinstance(version, str) else None, statements)


def _parse_statement(raw: dict[str, Any]) -> Statement:
    sid = raw.get("Sid")
    return Statement(
        sid=sid if isinstance(sid, str) else None,
        effect=_normalize_effect(raw.get("Effect")),
        actions=_strings(raw.get("Action")),
        not_actions=_strings(raw.get("NotAction")),
        resources=_strings(raw.get("Resource")),
        not_resources=_strings(raw.get("NotResource")),
        principals=_principals(raw.get("Principal")),
        not_principals=_principals(raw.get("NotPrincipal")),
        conditions=_conditions(raw.get("Condition")),
    )


def _normalize_effect(value: object) -> str:
    if isinstance(value, str):
        lowered = value.strip().lower()
        if lowered in ("allow", "deny"):
            return lowered.capitalize()
        return value
    return ""


def _scalar(value: object) -> str | None:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str | int | float):
        return str(value)
    return None


def _strings(value: object) -> tuple[str, ...]:
    items = value if isinstance(value, list) else [value]
    return tuple(text for text in (_scalar(item) for item in items) if text is not None)


def _principals(value: object) -> tuple[tuple[str, str], ...]:
    if value is None:
        return ()
    if isinstance(value, str):
        return (("*", "*"),) if value.strip() == "*" else (("AWS", _aws_principal(value)),)
    if not isinstance(value, dict):
        return ()
    out: list[tuple[str, str]] = []
    for raw_kind, raw_values in value.items():
        kind = _PRINCIPAL_KIND_BY_LOWER.get(str(raw_kind).lower(), str(raw_kind))
        out.extend(
            (kind, _aws_principal(item) if kind == "AWS" else item) for item in _strings(raw_values)
        )
    return tuple(out)


def _aws_principal(value: str) -> str:
    value = value.strip()
    if len(value) == 12 and value.isdigit():
        return f"arn:aws:iam::{value}:root"
    return value


def _conditions(value: object) -> tuple[Condition, ...]:
    if not isinstance(value, dict):
        return ()
    out: list[Condition] = []
    for operator, block in value.items():
        if not isinstance(block, dict):
            continue
        for key, values in block.items():
            out.append(Condition(str(operator), str(key), _strings(values)))
    return tuple(out)


def _principals_to_json(principals: tuple[tuple[str, str], ...]) -> str | dict[str, list[str]]:
    if principals == (("*", "*"),):
        return "*"
    block: dict[str, list[str]] = {}
    for kind, value in principals:
        block.setdefault(kind, []).append(value)
    return block
