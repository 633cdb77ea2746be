"""Data-access actions on every resource granted (see checks/data/risky_actions.toml)."""

from __future__ import annotations

from checks._lib.risky import RiskyGrantCheck


class IamPolicyDataExfiltration(RiskyGrantCheck):
    """Flags grants of data access actions on Resource "*"."""

    group = "data_access"
