"""Credential-exposure actions on every resource granted (see checks/data/risky_actions.toml)."""

from __future__ import annotations

from checks._lib.risky import RiskyGrantCheck


class IamPolicyCredentialsExposure(RiskyGrantCheck):
    """Flags grants of credential exposure actions on Resource "*"."""

    group = "credential_exposure"
