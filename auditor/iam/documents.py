"""Policy documents as the IAM state holds them: the JSON object as received, parsed lazily."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import orjson

from auditor.policy.document import PolicyDocument, parse_policy
from auditor.policy.text import PolicyText, read_policy_text


class Document:
    """An immutable policy document: its JSON object, or the text that did not parse.

    Equality is by content. The parsed ``PolicyDocument`` is computed once, on demand.
    """

    __slots__ = ("_parsed", "data", "error", "text")

    data: Mapping[str, Any] | None
    text: str | None
    error: str | None
    _parsed: PolicyDocument | bool | None

    def __init__(
        self, data: Mapping[str, Any] | None, text: str | None = None, error: str | None = None
    ) -> None:
        self.data = data
        self.text = None if data is not None else text
        self.error = error
        self._parsed = False

    @classmethod
    def from_text(cls, value: PolicyText) -> Document:
        """Wrap what ``read_policy_text`` produced."""
        return cls(value.document, value.text, value.error)

    @classmethod
    def stored(cls, value: object, error: str | None) -> Document:
        """The inverse of a snapshot's ``[document.to_json(), document.error]``."""
        return cls(
            value if isinstance(value, dict) else None,
            value if isinstance(value, str) else None,
            error,
        )

    @classmethod
    def read(cls, value: object) -> Document:
        """Read a document given as an object, a JSON string or URL-encoded JSON."""
        if isinstance(value, PolicyText):
            return cls.from_text(value)
        return cls.from_text(read_policy_text(value))

    @property
    def ok(self) -> bool:
        """Whether the document is a JSON object."""
        return self.data is not None

    def parsed(self) -> PolicyDocument | None:
        """The parsed policy, or None when it is not one (shared among equal documents)."""
        if self._parsed is False:
            self._parsed = _parse_shared(self.data) if self.data is not None else None
        return self._parsed if isinstance(self._parsed, PolicyDocument) else None

    def to_json(self) -> Any:
        """The document object, or the unparsed text, for reports and snapshots."""
        return self.data if self.data is not None else self.text

    def __eq__(self, other: object) -> bool:
        if self is other:
            return True
        if not isinstance(other, Document):
            return NotImplemented
        return self.data == other.data and self.text == other.text

    def __hash__(self) -> int:
        return hash(self.text) if self.data is None else len(self.data)

    def __repr__(self) -> str:
        return f"Document({self.to_json()!r})"


_SHARED_LIMIT = 4096  # distinct documents remembered (then the memory starts over)
_SHARED_MAX_BYTES = 65_536  # far above IAM's size quotas; larger (crafted) ones parse alone
_shared: dict[bytes, PolicyDocument | None] = {}


def _parse_shared(data: Mapping[str, Any]) -> PolicyDocument | None:
    """``parse_policy``, once per distinct policy text.

    The same text is put on many principals and versions; sharing one parsed object also
    lets action sets be remembered per document rather than per copy.
    """
    try:
        key = orjson.dumps(data)
    except TypeError:  # orjson's errors are TypeErrors: not plain JSON, parse it alone
        return parse_policy(dict(data))
    if len(key) > _SHARED_MAX_BYTES:
        return parse_policy(dict(data))
    if key in _shared:
        return _shared[key]
    if len(_shared) >= _SHARED_LIMIT:
        _shared.clear()
    found = _shared[key] = parse_policy(dict(data))
    return found
