"""AWS managed policies, from the shipped table of facts derived from their documents.

The table keeps, per statement, the Effect, the Action or NotAction patterns, whether the
Resource is ``*`` and the condition operators and keys, not the resource ARNs or
condition values. A statement on specific resources therefore reads back with the
placeholder Resource ``SCOPED_RESOURCE``; condition values read back empty. That is
enough for action sets, admin equivalence and "on ``*``" risk, which is what the replay
needs for attachments of AWS managed policies (CloudTrail carries no document for them).
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass
from typing import Any

from auditor.policy.document import Condition, PolicyDocument, Statement
from auditor.policy.tables import TableSource, load_table

MANAGED_TABLE = "aws_managed_policies.json.gz"
SCOPED_RESOURCE = "<specific resources>"
QUARANTINE_POLICY_NAMES = frozenset(
    {
        "AWSCompromisedKeyQuarantine",
        "AWSCompromisedKeyQuarantineV2",
        "AWSCompromisedKeyQuarantineV3",
    }
)
_MANAGED_ARN = re.compile(r"arn:aws[a-z-]*:iam::aws:policy/(?:[^ ]*/)?([^/]+)")


@dataclass(frozen=True, slots=True)
class AwsManagedPolicy:
    """An AWS managed policy's default version, as far as the table records it."""

    name: str
    arn: str
    version: str
    document: PolicyDocument
    admin_equivalent: bool
    deprecated: bool
    deprecated_date: str | None = None

    @property
    def is_quarantine(self) -> bool:
        """Whether AWS attaches this policy to users whose keys leaked."""
        return self.name in QUARANTINE_POLICY_NAMES


def is_aws_managed_arn(arn: str) -> bool:
    """Whether ``arn`` names an AWS managed policy (``arn:aws:iam::aws:policy/...``)."""
    return _MANAGED_ARN.fullmatch(arn.strip()) is not None


def aws_managed_policy_names() -> frozenset[str]:
    """Every name in the table, current and deprecated."""
    return frozenset(_policies())


def lookup_aws_managed_policy(arn_or_name: str) -> AwsManagedPolicy | None:
    """The policy for an ARN or a bare name (deprecated ones match by name), else None."""
    text = arn_or_name.strip()
    if text.startswith("arn:"):
        match = _MANAGED_ARN.fullmatch(text)
        if match is None:
            return None
        text = match.group(1)
    return _known(text) or _known(_names_by_lower().get(text.lower(), ""))


def aws_managed_source() -> TableSource:
    """Where the managed policy facts come from."""
    return TableSource.from_header(load_table(MANAGED_TABLE).get("source"))


def _policies() -> dict[str, Any]:
    policies: dict[str, Any] = load_table(MANAGED_TABLE)["policies"]
    return policies


@functools.cache
def _names_by_lower() -> dict[str, str]:
    return {name.lower(): name for name in _policies()}


def _known(name: str) -> AwsManagedPolicy | None:
    """The table's policy of that exact name; unknown names are never cached."""
    return _build(name) if name in _policies() else None


@functools.lru_cache(maxsize=2048)
def _build(name: str) -> AwsManagedPolicy:
    entry = _policies()[name]
    statements = tuple(_statement(raw) for raw in entry["statements"])
    return AwsManagedPolicy(
        name=name,
        arn=entry["arn"],
        version=entry["version"],
        document=PolicyDocument("2012-10-17", statements),
        admin_equivalent=bool(entry["admin"]),
        deprecated=entry.get("deprecated") is not None,
        deprecated_date=entry.get("deprecated"),
    )


def _statement(raw: dict[str, Any]) -> Statement:
    scope = raw.get("r")
    return Statement(
        sid=None,
        effect=raw["e"],
        actions=tuple(raw.get("a", ())),
        not_actions=tuple(raw.get("na", ())),
        resources=("*",) if scope == "*" else (SCOPED_RESOURCE,) if scope == "scoped" else (),
        not_resources=(SCOPED_RESOURCE,) if scope == "not" else (),
        conditions=tuple(Condition(op, key, ()) for op, key in raw.get("c", ())),
    )
