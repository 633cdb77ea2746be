"""The JSON shapes CloudTrail records arrive in, unwrapped to plain records.

Supported: ``{"Records": [...]}`` (S3 delivery), JSON Lines with one record per
line, EventBridge events (``{"detail-type": ..., "detail": {...}}``), CloudTrail
``LookupEvents`` items (``{"CloudTrailEvent": "<json>"}``), a bare record, and lists
of any of these.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import orjson

RECORD_HINTS = ("eventID", "eventSource", "eventName", "eventVersion", "eventTime")


class NotCloudTrailError(ValueError):
    """The JSON value is not any known CloudTrail shape."""


def unwrap(value: Any) -> Iterator[Any]:
    """Yield the records inside one JSON value; raise for a value of unknown shape."""
    if isinstance(value, list):
        for item in value:
            yield from unwrap(item)
        return
    if not isinstance(value, dict):
        raise NotCloudTrailError(f"a JSON {type(value).__name__} is not a CloudTrail record")
    records = value.get("Records")
    if isinstance(records, list):
        yield from records
        return
    detail = value.get("detail")
    if isinstance(detail, dict) and "detail-type" in value:
        yield detail
        return
    embedded = value.get("CloudTrailEvent")
    if isinstance(embedded, str):
        try:
            yield orjson.loads(embedded)
        except orjson.JSONDecodeError as exc:
            raise NotCloudTrailError(f"CloudTrailEvent is not valid JSON: {exc}") from None
        return
    if any(key in value for key in RECORD_HINTS):
        yield value
        return
    keys = ", ".join(sorted(str(k) for k in value)[:5]) or "no keys"
    raise NotCloudTrailError(f"JSON object is not CloudTrail (keys: {keys})")


def looks_like_json_lines(name: str, text: bytes) -> bool:
    """JSON Lines by file name, or by content: several lines, the first a whole object."""
    base = name.removesuffix(".gz")
    if base.endswith((".jsonl", ".ndjson")):
        return True
    first, newline, rest = text.strip().partition(b"\n")
    if not newline or not rest.strip():
        return False
    try:
        return isinstance(orjson.loads(first), dict)
    except orjson.JSONDecodeError:
        return False
