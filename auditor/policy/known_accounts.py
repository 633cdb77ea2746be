"""AWS account ids of known vendors (fwdcloudsec/known_aws_accounts), shipped as a table."""

from __future__ import annotations

import functools
from collections.abc import Mapping
from types import MappingProxyType

from auditor.policy.tables import TableSource, load_table

KNOWN_ACCOUNTS_TABLE = "known_accounts.json"


@functools.cache
def load_known_accounts() -> Mapping[str, str]:
    """Account id → vendor name (read-only). AWS-owned accounts are named ``AWS <service>``."""
    accounts = load_table(KNOWN_ACCOUNTS_TABLE)["accounts"]
    return MappingProxyType({str(account): str(name) for account, name in accounts.items()})


def with_known_accounts(configured: Mapping[str, str] | None) -> Mapping[str, str]:
    """The bundled vendors plus ``[organization.known_accounts]`` (configured names win)."""
    return {**load_known_accounts(), **(configured or {})}


def known_accounts_source() -> TableSource:
    """Where the vendor accounts come from."""
    return TableSource.from_header(load_table(KNOWN_ACCOUNTS_TABLE).get("source"))
