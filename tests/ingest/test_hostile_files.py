"""Hostile file contents: every record is read, one bad record costs only itself."""

from __future__ import annotations

import gzip

import orjson
import pytest

from auditor.events import Event, RecordProblem, normalize_record
from auditor.ingest.keep import DEFAULT_KEEP_RULE
from auditor.ingest.select import WHOLE_PARSE_LIMIT, select_records
from tests.ingest.records import record

CAP = 2**30


def _select(data: bytes, name: str = "x.json.gz", cap: int = CAP) -> tuple[list[str], list[str]]:
    result = select_records(data, name, DEFAULT_KEEP_RULE, cap)
    assert result.fatal is None, result.fatal
    return sorted(r.event_id for r in result.rows), [why for _, why in result.problems]


def _compact(*records: dict[str, object]) -> bytes:
    return orjson.dumps({"Records": list(records)})


def test_every_gzip_member_is_read() -> None:
    lines = gzip.compress(orjson.dumps(record("a")) + b"\n") + gzip.compress(
        orjson.dumps(record("b")) + b"\n"
    )
    assert _select(lines, "x.jsonl.gz") == (["a", "b"], [])


def test_a_record_split_over_gzip_members_is_read() -> None:
    text = _compact(record("a"), record("b"))
    data = gzip.compress(text[:100]) + gzip.compress(b"") + gzip.compress(text[100:])
    assert _select(data) == (["a", "b"], [])


def test_zero_padding_after_gzip_is_ignored_and_garbage_is_reported() -> None:
    data = gzip.compress(_compact(record("a")))
    assert _select(data + b"\0" * 512) == (["a"], [])
    fatal = select_records(data + b"junk", "x.json.gz", DEFAULT_KEEP_RULE, CAP).fatal
    assert fatal is not None and "not gzip" in fatal


def test_utf8_bom_before_gzip_is_read() -> None:
    assert _select(b"\xef\xbb\xbf" + gzip.compress(_compact(record("a")))) == (["a"], [])


def test_multi_member_bomb_is_refused_at_the_cap() -> None:
    member = gzip.compress(b" " * 2**20)
    fatal = select_records(member * 8, "x.json.gz", DEFAULT_KEEP_RULE, 4 * 2**20).fatal
    assert fatal is not None and "cap" in fatal


@pytest.mark.parametrize(
    "variant",
    [
        lambda t: t.replace(b'"eventSource":"iam', b'"eventSource":"\\u0069am'),
        lambda t: t.replace(b'"eventSource":"iam', b'"\\u0065ventSource":"iam'),
        lambda t: t.replace(b'"eventSource":"iam', b'"eventSource": "iam'),
        lambda t: t.replace(b'"eventSource":"iam', b'"eventSource" :"iam'),
        lambda t: t.replace(b'"eventSource":"iam', b'"eventSource":\n"iam'),
    ],
    ids=["escaped-value", "escaped-key", "space-after-colon", "space-before-colon", "newline"],
)
def test_the_fast_path_misses_no_spelling_of_the_source(variant: object) -> None:
    assert callable(variant)
    text = _compact(record("a", source="ec2.amazonaws.com", name="RunInstances"), record("b"))
    assert _select(variant(text), "x.json") == (["b"], [])


def test_a_too_deep_record_costs_only_itself() -> None:
    deep = record("deep")
    text = _compact(record("a"), deep, record("c"))
    nested = b"[" * 2000 + b"]" * 2000
    text = text.replace(b'"eventID":"deep"', b'"eventID":"deep","x":' + nested)
    result = select_records(text, "x.json", DEFAULT_KEEP_RULE, CAP)
    assert result.fatal is None
    assert sorted(r.event_id for r in result.rows) == ["a", "c"]
    assert len(result.problems) == 1
    index, why = result.problems[0]
    assert index == 1 and "deep" in why and "'deep'" in why


def test_a_record_deeper_than_orjson_writes_is_stored_readably() -> None:
    text = _compact(record("a"))
    deep = text.replace(b'"eventID":"a"', b'"eventID":"a","x":' + b"[" * 400 + b"]" * 400)
    rows = select_records(deep + b" ", "x.json", DEFAULT_KEEP_RULE, CAP).rows
    assert [r.event_id for r in rows] == ["a"]
    assert isinstance(normalize_record(orjson.loads(rows[0].raw)), Event)


def test_a_raw_control_character_is_read_and_stored_readably() -> None:
    text = _compact(record("a", userAgent="UA"), record("b"), record("c", userAgent="UA"))
    text = text.replace(b'"UA"', b'"U\x07A"', 1)
    result = select_records(text, "x.json", DEFAULT_KEEP_RULE, CAP)
    assert sorted(r.event_id for r in result.rows) == ["a", "b", "c"]
    stored = {r.event_id: orjson.loads(r.raw) for r in result.rows}
    assert stored["a"]["userAgent"] == "U\x07A"


def test_a_raw_control_character_in_json_lines_is_read() -> None:
    lines = orjson.dumps(record("a", userAgent="UA")).replace(b'"UA"', b'"U\tA"')
    lines += b"\n" + orjson.dumps(record("b"))
    assert _select(lines, "x.jsonl") == (["a", "b"], [])


def test_records_that_are_not_objects_and_a_records_value_not_a_list_are_reported() -> None:
    text = b'{"Records":[' + orjson.dumps(record("a")) + b',7,"x",null]}'
    ids, problems = _select(text, "x.json")
    assert ids == ["a"] and len(problems) == 3
    fatal = select_records(b'{"Records":{"a":1}}', "x.json", DEFAULT_KEEP_RULE, CAP).fatal
    assert fatal is not None


def test_text_after_the_records_is_reported() -> None:
    text = _compact(record("a"), record("b")) + b"{}"
    ids, problems = _select(text, "x.json")
    assert ids == ["a", "b"] and any("after the records" in why for why in problems)


def test_a_huge_file_is_parsed_record_by_record() -> None:
    filler = record("f", source="ec2.amazonaws.com", name="RunInstances", pad="p" * 4000)
    count = WHOLE_PARSE_LIMIT // 4000 + 10
    text = b'{"Records": [' + b",".join([orjson.dumps(filler)] * count)
    text += b"," + orjson.dumps(record("a")) + b"]}"
    result = select_records(text, "x.json", DEFAULT_KEEP_RULE, CAP)
    assert [r.event_id for r in result.rows] == ["a"]
    assert result.records_seen == count + 1 and result.row_indexes == [count]


@pytest.mark.parametrize(
    "instant", ["9999-12-31T23:59:59.999999Z", "0001-01-01T00:00:00Z", "1999-12-31T23:59:59Z"]
)
def test_out_of_range_event_times_are_problems(instant: str) -> None:
    ids, problems = _select(_compact(record("a"), record("b", time=instant)), "x.json")
    assert ids == ["a"] and len(problems) == 1 and "supported range" in problems[0]
    outcome = normalize_record(record("b", time=instant))
    assert isinstance(outcome, RecordProblem) and "supported range" in outcome.reason
