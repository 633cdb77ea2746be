"""The pure filter: every supported shape, the fast path and its fallback."""

from __future__ import annotations

import gzip

import orjson
import pytest

from auditor.ingest.keep import DEFAULT_KEEP_RULE
from auditor.ingest.select import select_records
from tests.ingest.records import record

CAP = 2**30


def _ids(data: bytes, name: str = "x.json") -> list[str]:
    result = select_records(data, name, DEFAULT_KEEP_RULE, CAP)
    assert result.fatal is None, result.fatal
    return sorted(row.event_id for row in result.rows)


def test_s3_file_keeps_only_iam_family_and_control_events() -> None:
    records = [
        record("a"),
        record("b", source="ec2.amazonaws.com", name="DescribeInstances"),
        record("c", source="sts.amazonaws.com", name="AssumeRole"),
        record("d", source="cloudtrail.amazonaws.com", name="StopLogging"),
        record("e", source="cloudtrail.amazonaws.com", name="LookupEvents"),
        record("f", source="signin.amazonaws.com", name="ConsoleLogin"),
    ]
    data = gzip.compress(orjson.dumps({"Records": records}))
    result = select_records(data, "f.json.gz", DEFAULT_KEEP_RULE, CAP)
    assert result.records_seen == 6
    assert sorted(r.event_id for r in result.rows) == ["a", "c", "d", "f"]


def test_fast_path_keeps_the_exact_record_bytes() -> None:
    records = [record("a"), record("b", source="s3.amazonaws.com", name="GetObject"), record("z")]
    data = orjson.dumps({"Records": records})
    rows = select_records(data, "f.json", DEFAULT_KEEP_RULE, CAP).rows
    assert [orjson.loads(r.raw) for r in rows] == [records[0], records[2]]


def test_pretty_printed_file_takes_the_full_parser() -> None:
    data = orjson.dumps({"Records": [record("a"), record("b")]}, option=orjson.OPT_INDENT_2)
    assert _ids(data) == ["a", "b"]


def test_nested_event_version_key_falls_back_safely() -> None:
    tricky = record("a", requestParameters={"inner": {"eventVersion": "x"}})
    data = orjson.dumps({"Records": [tricky, record("b")]})
    assert _ids(data) == ["a", "b"]


@pytest.mark.parametrize(
    "wrap",
    [
        lambda r: {"detail-type": "AWS API Call via CloudTrail", "detail": r},
        lambda r: {"EventId": r["eventID"], "CloudTrailEvent": orjson.dumps(r).decode()},
        lambda r: r,
    ],
    ids=["eventbridge", "lookup-events", "bare"],
)
def test_json_lines_with_wrappers(wrap: object) -> None:
    assert callable(wrap)
    lines = b"\n".join(orjson.dumps(wrap(record(i))) for i in ("a", "b", "c"))
    assert _ids(lines, "events.jsonl") == ["a", "b", "c"]
    assert _ids(gzip.compress(lines), "events.jsonl.gz") == ["a", "b", "c"]


def test_a_list_of_lookup_events_items() -> None:
    items = [{"CloudTrailEvent": orjson.dumps(record(i)).decode()} for i in ("a", "b")]
    assert _ids(orjson.dumps(items)) == ["a", "b"]


def test_space_separated_event_time_is_accepted_as_utc() -> None:
    data = orjson.dumps({"Records": [record("a", time="2023-01-10 20:10:41")]})
    row = select_records(data, "x.json", DEFAULT_KEEP_RULE, CAP).rows[0]
    assert row.event_time_us == 1673381441 * 1_000_000
