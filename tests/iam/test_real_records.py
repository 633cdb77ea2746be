"""The real CloudTrail records of the shared research data replay without errors."""

from __future__ import annotations

from collections import Counter

import orjson
import pytest

from auditor.events import Event, normalize_record
from auditor.iam.diff import compute_changes
from auditor.iam.replay import is_replayed, replay
from auditor.iam.serialize import (
    SNAPSHOT_FORMAT,
    state_from_bytes,
    state_to_bytes,
    state_to_json,
)
from auditor.iam.state import IamState
from auditor.iam.typed_rows import decode_declared
from tests.realdata import read_lines, real_record_files


def real_events() -> list[Event]:
    files = real_record_files()
    if not files:
        pytest.skip("no real CloudTrail records available")
    events: list[Event] = []
    for path in files:
        for line in read_lines(path):
            try:
                normalized = normalize_record(orjson.loads(line))
            except orjson.JSONDecodeError:
                continue
            if isinstance(normalized, Event):
                events.append(normalized)
    return events


def test_real_records_replay_without_errors() -> None:
    events = real_events()
    handled = [e for e in events if is_replayed(e)]
    assert len(handled) > 100
    state = replay(IamState(), events)
    internal = [a for a in state.anomalies if a.reason.startswith("internal error")]
    assert internal == []
    assert state.users and state.roles and state.assumptions and state.sign_ins
    counts = Counter(a.event_name for a in state.anomalies)
    assert sum(counts.values()) < len(handled) / 4  # odd input is the exception
    payload = state_to_bytes(state)
    assert decode_declared(payload, SNAPSHOT_FORMAT) is not None  # real values fit the types
    again = state_from_bytes(payload)
    assert state_to_json(again) == state_to_json(state)
    changes = compute_changes(IamState(), state, events)
    assert {c.entity for c in changes} >= {"user", "role", "access_key"}
    assert all(c.event_ids for c in changes)
