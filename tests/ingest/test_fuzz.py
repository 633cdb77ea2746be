"""Property tests: the normalizer and the filter never raise, whatever they are given."""

from __future__ import annotations

import orjson
from hypothesis import given, settings
from hypothesis import strategies as st

from auditor.events import Event, RecordProblem, normalize_record
from auditor.ingest.keep import DEFAULT_KEEP_RULE
from auditor.ingest.select import select_records
from tests.ingest.records import record

JSON = st.recursive(
    st.none()
    | st.booleans()
    | st.integers(-(2**63), 2**63 - 1)
    | st.floats(allow_nan=False)
    | st.text(),
    lambda children: (
        st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=12), children, max_size=5)
    ),
    max_leaves=25,
)
FIELDS = st.sampled_from(
    [
        "eventID", "eventTime", "eventSource", "eventName", "userIdentity",
        "requestParameters", "responseElements", "errorCode", "additionalEventData",
        "awsRegion", "sourceIPAddress", "recipientAccountId",
    ]
)  # fmt: skip


@given(JSON)
def test_normalize_never_raises_on_any_json_value(value: object) -> None:
    assert isinstance(normalize_record(value), Event | RecordProblem)


@given(st.dictionaries(FIELDS, JSON, max_size=12))
def test_normalize_never_raises_on_record_like_objects(value: dict[str, object]) -> None:
    merged = {**record("x"), **value}
    assert isinstance(normalize_record(merged), Event | RecordProblem)


@settings(max_examples=200)
@given(st.binary(max_size=300))
def test_filter_never_raises_on_any_bytes(data: bytes) -> None:
    select_records(data, "x.json", DEFAULT_KEEP_RULE, 2**20)
    select_records(b"\x1f\x8b" + data, "x.json.gz", DEFAULT_KEEP_RULE, 2**20)


@given(st.lists(st.dictionaries(FIELDS, JSON, max_size=8), max_size=5))
def test_filter_never_raises_on_odd_records(items: list[dict[str, object]]) -> None:
    data = orjson.dumps({"Records": [{**record(str(i)), **item} for i, item in enumerate(items)]})
    result = select_records(data, "x.json", DEFAULT_KEEP_RULE, 2**20)
    assert result.fatal is None
    assert len(result.rows) + len(result.problems) <= len(items)
