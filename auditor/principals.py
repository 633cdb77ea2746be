"""Who an event is about, in the forms summaries and checks share."""

from __future__ import annotations

from auditor.events import HIDDEN_USER_NAME, Event
from auditor.iam.arns import iam_arn, root_arn

ASSUME_ROLE_NAMES = ("AssumeRole", "AssumeRoleWithSAML", "AssumeRoleWithWebIdentity")


def caller_of(event: Event) -> str | None:
    """Who made a call, as a long-lived principal: a session's role, a user, an account's root.

    AWS services return None: their calls are the bulk of AssumeRole volume and are
    noise unless configured otherwise.
    """
    actor = event.actor
    if actor.type == "AWSService":
        return None
    if actor.type == "AWSAccount" and actor.account_id:
        return root_arn(actor.account_id)
    if actor.type in ("SAMLUser", "WebIdentityUser"):
        return actor.user_name or actor.principal_id
    return actor.principal_arn or actor.user_name


def assumed_role(event: Event) -> tuple[str, str] | None:
    """(caller, role ARN) of a successful role assumption by a non-service caller."""
    if event.source != "sts.amazonaws.com" or event.name not in ASSUME_ROLE_NAMES:
        return None
    if event.failed:
        return None
    caller, role = caller_of(event), event.param("roleArn")
    return (caller, str(role)) if caller and role else None


def is_console_login(event: Event) -> bool:
    """A console sign-in attempt, successful or not."""
    return event.source == "signin.amazonaws.com" and event.name == "ConsoleLogin"


def console_login_succeeded(event: Event) -> bool:
    """A console sign-in that CloudTrail reports as a success."""
    if not is_console_login(event) or event.failed:
        return False
    return str((event.response or {}).get("ConsoleLogin", "Success")).lower() == "success"


def sign_in_principal(event: Event) -> str | None:
    """Who a console sign-in is for: the ARN, or the user ARN a failed one names by name.

    None when CloudTrail hides the name (``HIDDEN_DUE_TO_SECURITY_REASONS``: no such user).
    """
    actor = event.actor
    if actor.arn:
        return actor.arn
    name = actor.user_name
    if not name or name == HIDDEN_USER_NAME:
        return None
    return iam_arn("user", event.account_id, name)
