"""Who is a machine: AWS services, infrastructure as code and AWS-managed automation.

Used to keep noise down (automated changes get a lower severity, never silently dropped)
and to count "changes made outside infrastructure as code" for the weekly report.
"""

from __future__ import annotations

from auditor.events import Event

_ROLE_MARKERS = (
    ("AWSServiceRoleFor", "service-linked role"),
    ("AWSReservedSSO_", "IAM Identity Center"),
    ("AWSControlTowerExecution", "Control Tower"),
    ("aws-controltower-", "Control Tower"),
    ("AWSCloudFormationStackSetExecutionRole", "CloudFormation StackSets"),
    ("stacksets-exec-", "CloudFormation StackSets"),
)
_INVOKERS = {
    "cloudformation.amazonaws.com": "CloudFormation",
    "sso.amazonaws.com": "IAM Identity Center",
    "controltower.amazonaws.com": "Control Tower",
}
_IAC_AGENTS = (
    ("cloudformation.amazonaws.com", "CloudFormation"),
    ("terraform", "Terraform"),
    ("pulumi", "Pulumi"),
    ("aws-cdk", "CDK"),
    ("crossplane", "Crossplane"),
)


def _role_name(event: Event) -> str:
    arn = event.actor.session_issuer_arn or event.actor.arn or ""
    if ":assumed-role/" in arn:
        return arn.split(":assumed-role/", 1)[1].split("/", 1)[0]
    return arn.rsplit("/", 1)[-1]


def automation_origin(event: Event) -> str | None:
    """Why an event is AWS-managed automation (a reason to lower severity), else None.

    Identity Center counts only when it acts itself (``sso.amazonaws.com``), not when
    a person signed in through it.
    """
    actor = event.actor
    if actor.type == "AWSService":
        return f"AWS service {actor.invoked_by or 'call'}"
    invoker = actor.invoked_by or ""
    if invoker in _INVOKERS:
        return _INVOKERS[invoker]
    agent = (event.user_agent or "").lower()
    for marker, reason in _INVOKERS.items():
        if agent.startswith(marker):
            return reason
    role = _role_name(event)
    for marker, reason in _ROLE_MARKERS:
        if role.startswith(marker) and reason != "IAM Identity Center":
            return reason
    return None


def iac_tool(event: Event) -> str | None:
    """The infrastructure-as-code tool that made a call, judged by user agent and invoker."""
    if event.actor.invoked_by == "cloudformation.amazonaws.com":
        return "CloudFormation"
    agent = (event.user_agent or "").lower()
    for marker, tool in _IAC_AGENTS:
        if marker in agent:
            return tool
    role = _role_name(event)
    if role.startswith(("AWSCloudFormationStackSetExecutionRole", "stacksets-exec-")):
        return "CloudFormation StackSets"
    return None
