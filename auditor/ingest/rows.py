"""From one parsed CloudTrail record to a storable ``EventRow``, with light validation.

Full normalization happens when events are read back; here only what the store
indexes is extracted, so the hot ingest loop stays cheap.
"""

from __future__ import annotations

import json
from typing import Any

import orjson

from auditor.events import missing_fields
from auditor.ingest.keep import KeepRule
from auditor.store.event_store import EventRow, to_micros
from auditor.timeutil import OutOfRangeError, parse_event_time


class Skip:
    """Marker for a record the keep rule does not want."""


SKIP = Skip()


def serialize(record: dict[str, Any]) -> bytes | None:
    """Compact JSON that orjson reads back (orjson writes at most 255 levels; deeper ones,
    up to its 1024 read limit, are written by the standard library), or None."""
    try:
        return orjson.dumps(record)
    except orjson.JSONEncodeError:
        pass
    try:
        text = json.dumps(record, ensure_ascii=False, separators=(",", ":")).encode()
        orjson.loads(text)
    except (ValueError, RecursionError):
        return None
    return text


def build_row(record: Any, rule: KeepRule, raw: bytes | None = None) -> EventRow | Skip | str:
    """Return the row to store, ``SKIP`` for an unwanted record, or a problem's reason."""
    if not isinstance(record, dict):
        return f"not a CloudTrail record: a JSON {type(record).__name__}"
    source = record.get("eventSource")
    name = record.get("eventName")
    if isinstance(source, str) and isinstance(name, str) and not rule.keeps(source, name):
        return SKIP
    event_id, text = record.get("eventID"), record.get("eventTime")
    if not (
        isinstance(event_id, str) and event_id and isinstance(text, str) and text
        and isinstance(source, str) and source and isinstance(name, str) and name
    ):  # fmt: skip
        return f"missing required field(s): {', '.join(missing_fields(record))}"
    try:
        micros = to_micros(parse_event_time(text))
    except OutOfRangeError as exc:
        return str(exc)
    except (ValueError, OverflowError):
        return f"malformed eventTime {text[:64]!r}"
    stored = raw if raw is not None else serialize(record)
    if stored is None:
        return "nested too deeply to store"
    identity = record.get("userIdentity")
    if not isinstance(identity, dict):
        identity = {}
    actor_arn = identity.get("arn")
    actor_type = identity.get("type")
    return EventRow(
        event_id,
        micros,
        source,
        name,
        str(record.get("recipientAccountId") or identity.get("accountId") or "unknown"),
        str(record.get("awsRegion") or "unknown"),
        actor_arn if isinstance(actor_arn, str) else None,
        actor_type if isinstance(actor_type, str) else None,
        bool(record.get("errorCode") or record.get("errorMessage")),
        stored,
    )
