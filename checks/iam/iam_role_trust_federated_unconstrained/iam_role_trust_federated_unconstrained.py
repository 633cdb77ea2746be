"""A role newly trusts an OIDC or SAML provider without conditions on who may come in."""

from __future__ import annotations

from auditor.findings import Severity
from auditor.policy.trust import TrustedPrincipal
from checks._lib.trust import TrustPrincipalCheck


def _has_saml_condition(principal: TrustedPrincipal) -> bool:
    keys = (key.lower() for block in principal.conditions.values() for key in block)
    return any(key.startswith("saml:") for key in keys)


class IamRoleTrustFederatedUnconstrained(TrustPrincipalCheck):
    """Flags OIDC trust without a pinned subject, and SAML trust without any SAML: condition."""

    kinds = frozenset({"oidc", "saml"})

    def flagged(self, principal: TrustedPrincipal) -> bool:
        """OIDC by its risk hint (no subject condition); SAML without a SAML: key."""
        if principal.kind == "saml":
            return not _has_saml_condition(principal)
        return principal.kind == "oidc" and principal.is_risky

    def severity_of(self, principal: TrustedPrincipal) -> Severity:
        """SAML: medium (the provider is the account's own); OIDC: its risk hint."""
        return Severity.MEDIUM if principal.kind == "saml" else Severity(principal.risk)
