"""Permissions-management actions on every resource granted (see checks/data/risky_actions.toml)."""

from __future__ import annotations

from checks._lib.risky import RiskyGrantCheck


class IamPolicyResourceExposure(RiskyGrantCheck):
    """Flags grants of permissions management actions on Resource "*"."""

    group = "permissions_management"
