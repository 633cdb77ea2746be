"""Who made a call: an AWS service, declared automation, infrastructure as code or a person.

A finding's severity is lowered only for an origin decided by a signal the caller cannot
forge: ``userIdentity.type`` ``AWSService``, ``invokedBy`` (written by AWS, not the
caller), a service-linked role (path ``/aws-service-role/``, where no customer can create
a role), a principal declared in ``[[automation]]``, or a role whose trust policy admits
only AWS services that run no customer code. The user agent, session names and role
names are chosen by the caller: they are shown as a hint, never trusted.
"""

from __future__ import annotations

import fnmatch
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from auditor.config import AutomationSettings
from auditor.events import Event
from auditor.iam.documents import Document
from auditor.iam.state import IamState
from auditor.policy.trust import COMPUTE_SERVICES, OrganizationContext, classify_trust

ORIGINS = ("iac", "aws-service", "human", "unknown")
_INVOKERS = {
    "cloudformation.amazonaws.com": ("iac", "CloudFormation"),
    "sso.amazonaws.com": ("aws-service", "IAM Identity Center"),
    "controltower.amazonaws.com": ("aws-service", "Control Tower"),
}
_AGENT_HINTS = (
    ("cloudformation", "CloudFormation"),
    ("terraform", "Terraform"),
    ("pulumi", "Pulumi"),
    ("aws-cdk", "CDK"),
    ("crossplane", "Crossplane"),
)
# services whose roles hand their credentials to customer code (an instance, a function,
# a container, a build): whoever controls that code, or steals its credentials, acts as
# the role, so trusting only such a service says nothing about who made a call
CUSTOMER_CODE_SERVICES = COMPUTE_SERVICES | frozenset(
    {
        "batch.amazonaws.com",
        "elasticmapreduce.amazonaws.com",
        "ssm.amazonaws.com",
        "scheduler.amazonaws.com",
        "airflow.amazonaws.com",
        "airflow-env.amazonaws.com",
        "pipes.amazonaws.com",
        "bedrock.amazonaws.com",
    }
)
_SERVICE_LINKED = re.compile(r"arn:aws[a-z-]*:iam::\d{12}:role/aws-service-role/[^/]+/[^/]+")
_SSO_RESERVED = re.compile(r"arn:aws[a-z-]*:iam::\d{12}:role/aws-reserved/sso\.amazonaws\.com/")
_SERVICE_PRINCIPAL = re.compile(r"[a-z0-9][a-z0-9.-]*\.amazonaws\.com(\.cn)?")


@dataclass(frozen=True, slots=True)
class Origin:
    """Who made a call (one of ``ORIGINS``), the signal that decided it, and a name."""

    kind: str
    signal: str
    name: str | None = None

    @property
    def is_automation(self) -> bool:
        """Whether the origin may lower a finding's severity."""
        return self.kind in ("iac", "aws-service")

    @property
    def reason(self) -> str:
        """A short label: the name, else the signal."""
        return self.name or self.signal


def signed_origin(event: Event) -> Origin | None:
    """Automation proven by the record itself (fields AWS writes, not the caller)."""
    actor = event.actor
    if actor.type == "AWSService":
        name = f"AWS service {actor.invoked_by or 'call'}"
        return Origin("aws-service", "userIdentity.type AWSService", name)
    invoker = actor.invoked_by or ""
    if invoker in _INVOKERS:
        kind, name = _INVOKERS[invoker]
        return Origin(kind, f"invokedBy {invoker}", name)
    issuer = _issuer_role(event)
    if issuer is not None and _SERVICE_LINKED.fullmatch(issuer):
        return Origin("aws-service", f"service-linked role {issuer}", "service-linked role")
    return None


def declared_origin(event: Event, automation: Sequence[AutomationSettings]) -> Origin | None:
    """The ``[[automation]]`` entry whose principals match the caller, if any."""
    if not automation:
        return None
    actor = event.actor
    caller = _issuer_role(event) if actor.type == "AssumedRole" else None
    if actor.type == "IAMUser" and actor.arn and ":user/" in actor.arn:
        caller = actor.arn
    if caller is None:
        return None
    for entry in automation:
        if any(fnmatch.fnmatchcase(caller, pattern) for pattern in entry.principals):
            return Origin("iac", f"declared automation {entry.name} ({caller})", entry.name)
    return None


def service_only_role(role_trust: object) -> str | None:
    """The services a trust policy admits when it admits nothing else, else None.

    Services that run customer code (EC2, Lambda, containers, builds) do not count: their
    credentials are in the hands of whoever controls that code.
    """
    if not isinstance(role_trust, Document):
        return None
    document = role_trust.parsed()
    if document is None:
        return None
    trusted = classify_trust(document, OrganizationContext(owner_account=""))
    services = {p.principal for p in trusted}
    if not trusted or any(p.kind != "service" for p in trusted):
        return None
    if any(not _SERVICE_PRINCIPAL.fullmatch(s) or s in CUSTOMER_CODE_SERVICES for s in services):
        return None
    return ", ".join(sorted(services))


def human_origin(event: Event) -> Origin:
    """``human`` for root, console sessions and Identity Center users, else ``unknown``."""
    actor = event.actor
    if actor.type == "Root":
        return Origin("human", "userIdentity.type Root")
    issuer = _issuer_role(event)
    if issuer is not None and _SSO_RESERVED.match(issuer):
        return Origin("human", f"IAM Identity Center session ({issuer})")
    if str(event.raw.get("sessionCredentialFromConsole", "")).lower() == "true":
        return Origin("human", "sessionCredentialFromConsole")
    if actor.invoked_by == "signin.amazonaws.com":
        return Origin("human", "invokedBy signin.amazonaws.com")
    return Origin("unknown", "no unforgeable automation signal")


class OriginJudge:
    """Decides the origin of events of one analysis, against the IAM state after it.

    A role's trust counts only when no event of the analysis changed it: a session made
    while the role trusted someone else stays valid after its trust is narrowed.
    """

    def __init__(
        self,
        automation: Sequence[AutomationSettings],
        state: IamState | None,
        events: Iterable[Event] = (),
    ) -> None:
        self.automation = tuple(automation)
        self.state = state
        self.retrusted = frozenset(
            (e.account_id, str(e.param("roleName") or ""))
            for e in events
            if e.name == "UpdateAssumeRolePolicy" and e.source == "iam.amazonaws.com"
        )
        self._cache: dict[str, Origin] = {}

    def origin(self, event: Event) -> Origin:
        """The event's origin (cached by event id)."""
        found = self._cache.get(event.event_id)
        if found is None:
            found = (
                signed_origin(event)
                or declared_origin(event, self.automation)
                or self._trusted_role(event)
                or human_origin(event)
            )
            self._cache[event.event_id] = found
        return found

    def _trusted_role(self, event: Event) -> Origin | None:
        issuer = _issuer_role(event)
        if issuer is None or self.state is None:
            return None
        role = self.state.roles.get(issuer)
        if role is None or (role.account, role.name) in self.retrusted:
            return None
        services = service_only_role(role.trust)
        if services is None:
            return None
        return Origin("aws-service", f"role {issuer} trusted only by {services}", services)


def automation_origin(event: Event) -> str | None:
    """Why an event is AWS-managed automation by the record's own signals, else None."""
    origin = signed_origin(event)
    return origin.reason if origin is not None else None


def iac_tool(event: Event, automation: Sequence[AutomationSettings] = ()) -> str | None:
    """The infrastructure-as-code tool that made a call, by unforgeable signals only.

    CloudFormation (``invokedBy``) or a declared ``[[automation]]`` principal; the user
    agent is only a hint (``iac_hint``).
    """
    if event.actor.invoked_by == "cloudformation.amazonaws.com":
        return "CloudFormation"
    declared = declared_origin(event, automation)
    return declared.name if declared is not None else None


def iac_hint(event: Event) -> str | None:
    """The tool the user agent claims (the caller writes it: shown, never trusted)."""
    agent = (event.user_agent or "").lower()
    return next((tool for marker, tool in _AGENT_HINTS if marker in agent), None)


def _issuer_role(event: Event) -> str | None:
    """The role behind an assumed-role session, as AWS names it in ``sessionIssuer``."""
    actor = event.actor
    issuer = actor.session_issuer_arn or ""
    if actor.type != "AssumedRole" or ":role/" not in issuer:
        return None
    return issuer
