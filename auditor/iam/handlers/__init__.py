"""Replay handlers, one small function per IAM, STS or sign-in event, registered by name.

Importing this package registers them all in ``HANDLERS``.
"""

from auditor.iam.handlers import (
    account,
    activity,
    attachments,
    credentials,
    groups,
    policies,
    profiles,
    providers,
    roles,
    users,
)
from auditor.iam.handlers.registry import HANDLERS, OBSERVES_ONLY, SEES_FAILURES, Handler

__all__ = [
    "HANDLERS",
    "OBSERVES_ONLY",
    "SEES_FAILURES",
    "Handler",
    "account",
    "activity",
    "attachments",
    "credentials",
    "groups",
    "policies",
    "profiles",
    "providers",
    "roles",
    "users",
]
