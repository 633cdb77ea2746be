"""Read a policy document from the shapes CloudTrail and IAM deliver it in.

A document may arrive as a JSON string (``requestParameters``), a URL-encoded JSON
string (``responseElements`` of CreateRole, the raw GetAccountAuthorizationDetails
API) or an already parsed object (the AWS CLI). A document that does not parse is
kept as data together with the reason.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any
from urllib.parse import unquote

import orjson


@dataclass(frozen=True, slots=True)
class PolicyText:
    """A policy document as received: parsed when possible, else the text and why not."""

    document: dict[str, Any] | None
    text: str | None
    error: str | None = None

    @property
    def ok(self) -> bool:
        """Whether the document parsed into a JSON object."""
        return self.document is not None


def read_policy_text(value: object) -> PolicyText:
    """Parse a policy document given as an object, a JSON string or URL-encoded JSON."""
    if isinstance(value, dict):
        return PolicyText(document=value, text=None)
    if not isinstance(value, str):
        return PolicyText(None, None, f"expected a JSON document, got {type(value).__name__}")
    candidates = [value]
    stripped = value.strip()
    if stripped.startswith("%7B") or stripped.startswith("%7b") or "%22" in stripped:
        candidates.insert(0, unquote(stripped))
    error = "empty document"
    for candidate in candidates:
        if not candidate.strip():
            continue
        try:
            parsed = orjson.loads(candidate)
        except orjson.JSONDecodeError as exc:
            error = f"invalid JSON: {exc}"
            continue
        if isinstance(parsed, dict):
            return PolicyText(document=parsed, text=value)
        error = f"expected a JSON object, got {type(parsed).__name__}"
    return PolicyText(document=None, text=value, error=error)
