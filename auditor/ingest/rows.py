"""From one parsed CloudTrail record to a storable ``EventRow``, with light validation.

Full normalization happens when events are read back; here only what the store
indexes is extracted, so the hot ingest loop stays cheap.
"""

from __future__ import annotations

from typing import Any

import orjson

from auditor.events import missing_fields
from auditor.ingest.keep import KeepRule
from auditor.store.event_store import EventRow, to_micros
from auditor.timeutil import parse_instant


class Skip:
    """Marker for a record the keep rule does not want."""


SKIP = Skip()


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
        micros = to_micros(parse_instant(text))
    except (ValueError, OverflowError):
        return f"malformed eventTime {text[:64]!r}"
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
        raw if raw is not None else orjson.dumps(record),
    )
