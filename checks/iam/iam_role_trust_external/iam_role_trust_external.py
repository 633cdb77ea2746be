"""A role newly trusts an account outside the organization."""

from __future__ import annotations

from checks._lib.trust import TrustPrincipalCheck


class IamRoleTrustExternal(TrustPrincipalCheck):
    """Flags external accounts (high without ExternalId) and vendors without ExternalId."""

    kinds = frozenset({"external", "vendor"})
