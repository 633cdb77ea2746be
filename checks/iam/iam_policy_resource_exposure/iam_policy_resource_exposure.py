"""Permissions-management actions on every resource granted (see checks/data/risky_actions.toml)."""

from __future__ import annotations

from checks._lib.risky import RiskyGrantCheck

READ_VERBS = ("Get", "Describe", "List", "View", "Search")


class IamPolicyResourceExposure(RiskyGrantCheck):
    """Flags grants of permissions-management actions on Resource "*".

    The catalog files some reads under permissions management (billing:GetResourcePolicy,
    quicksight:Describe*Permissions); reading a policy exposes nothing, so they are left out.
    """

    group = "permissions_management"

    def relevant(self, actions: list[str]) -> list[str]:
        """Drop read verbs."""
        return [a for a in actions if not a.partition(":")[2].startswith(READ_VERBS)]
