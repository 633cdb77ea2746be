"""A role newly trusts everyone (Principal "*" without an account or organization condition)."""

from __future__ import annotations

from checks._lib.trust import TrustPrincipalCheck


class IamRoleTrustPublic(TrustPrincipalCheck):
    """Flags public trust: critical, high when some condition applies."""

    kinds = frozenset({"public"})
