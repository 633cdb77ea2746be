"""OIDC identity providers in trust policies: which provider, and is the subject pinned.

A web-identity trust without a subject condition admits every token the provider issues
for the audience: for GitHub Actions that is every repository on github.com, for Cognito
every identity pool in AWS. What pins the caller differs per provider:

* GitHub (``token.actions.githubusercontent.com``): ``:sub`` naming an owner, such as
  ``repo:my-org/*``; ``:aud`` alone does not (it is ``sts.amazonaws.com`` for everyone).
* EKS (``oidc.eks.<region>.amazonaws.com/id/<cluster>``): ``:sub``, the service account.
* Cognito (``cognito-identity.amazonaws.com``): ``:aud``, the identity pool id.
* Google and others: ``:sub`` or ``:aud``.
"""

from __future__ import annotations

from auditor.policy.conditions import ConditionFacts

GITHUB_HOST = "token.actions.githubusercontent.com"
COGNITO_HOST = "cognito-identity.amazonaws.com"
GOOGLE_HOST = "accounts.google.com"


def oidc_provider(federated: str) -> tuple[str, str]:
    """The provider host of a Federated principal and its family.

    The family is ``github``, ``eks``, ``cognito``, ``google`` or ``other``.
    """
    value = federated.strip()
    marker = ":oidc-provider/"
    host = value.split(marker, 1)[1] if marker in value else value
    host = host.lower().removeprefix("https://").rstrip("/")
    if host == GITHUB_HOST or host.startswith(GITHUB_HOST + "/"):
        return host, "github"
    if host.startswith("oidc.eks.") and ".amazonaws.com" in host:
        return host, "eks"
    if host == COGNITO_HOST:
        return host, "cognito"
    if host == GOOGLE_HOST:
        return host, "google"
    return host, "other"


def subject_constrained(host: str, provider: str, facts: ConditionFacts) -> bool:
    """Whether the statement's conditions pin the caller (see the module docstring)."""
    sub = facts.values(f"{host}:sub")
    aud = facts.values(f"{host}:aud")
    if provider == "github":
        return bool(sub) and all(_github_subject_pins_owner(value) for value in sub)
    if provider == "eks":
        return bool(sub)
    if provider == "cognito":
        return bool(aud)
    return bool(sub or aud)


def _github_subject_pins_owner(value: str) -> bool:
    """``repo:org/*`` pins an owner; ``repo:*``, ``*`` or ``repo:*/x`` do not."""
    body = value.strip()
    for prefix in ("repo:", "repository_owner:", "organization:"):
        if body.lower().startswith(prefix):
            body = body[len(prefix) :]
            break
    owner = body.split("/", 1)[0].split(":", 1)[0]
    return bool(owner) and "*" not in owner and "?" not in owner
