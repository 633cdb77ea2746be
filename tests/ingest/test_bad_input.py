"""Bad input: each problem is reported with its place and reason; nothing else is lost."""

from __future__ import annotations

import gzip
import os
from pathlib import Path

import orjson

from auditor.config import IngestSettings
from auditor.ingest.keep import DEFAULT_KEEP_RULE
from auditor.ingest.pipeline import ingest_files
from auditor.ingest.select import select_records
from auditor.sources.layout import Window
from auditor.sources.local import LocalSource
from auditor.store.event_store import EventStore
from tests.ingest.records import record, s3_path, write_trail_file

CAP = 2**30


def _fatal(data: bytes, name: str = "x.json.gz", cap: int = CAP) -> str | None:
    return select_records(data, name, DEFAULT_KEEP_RULE, cap).fatal


def test_truncated_gzip() -> None:
    data = gzip.compress(orjson.dumps({"Records": [record("a")] * 50}))
    assert "truncated" in (_fatal(data[: len(data) // 2]) or "")


def test_corrupt_gzip() -> None:
    data = bytearray(gzip.compress(orjson.dumps({"Records": [record("a")]})))
    data[20:40] = b"\xff" * 20
    assert "gzip" in (_fatal(bytes(data)) or "")


def test_invalid_json() -> None:
    result = select_records(b'{"Records": [{"eventVersion": ', "x.json", DEFAULT_KEEP_RULE, CAP)
    assert any("invalid JSON" in why for _, why in result.problems)
    assert "invalid JSON" in (_fatal(b'{"Record": [{"eventVersion": ', "x.json") or "")


def test_json_that_is_not_cloudtrail() -> None:
    assert "not CloudTrail" in (_fatal(b'{"hello": "world"}', "x.json") or "")


def test_empty_file() -> None:
    assert _fatal(b"", "x.json") == "empty file"


def test_decompression_bomb_is_refused() -> None:
    bomb = gzip.compress(b" " * (8 * 2**20))
    assert "cap" in (_fatal(bomb, cap=2**20) or "")


def test_missing_fields_and_malformed_time_are_record_problems() -> None:
    bad_time = record("b", time="yesterday")
    no_id = record("c")
    del no_id["eventID"]
    data = orjson.dumps({"Records": [record("a"), bad_time, no_id, record("d")]})
    result = select_records(data, "x.json", DEFAULT_KEEP_RULE, CAP)
    assert sorted(r.event_id for r in result.rows) == ["a", "d"]
    reasons = dict(result.problems)
    assert "malformed eventTime" in reasons[1]
    assert "eventID" in reasons[2]


def test_non_utf8_bytes_are_replaced_and_reported() -> None:
    text = orjson.dumps({"Records": [record("a", userAgent="UA")]}).replace(b"UA", b"U\xffA")
    result = select_records(text, "x.json", DEFAULT_KEEP_RULE, CAP)
    assert [r.event_id for r in result.rows] == ["a"]
    assert any("UTF-8" in why for _, why in result.problems)


def test_utf16_file_is_read() -> None:
    text = orjson.dumps({"Records": [record("a")]}).decode().encode("utf-16")
    assert [r.event_id for r in select_records(text, "x.json", DEFAULT_KEEP_RULE, CAP).rows] == [
        "a"
    ]


def test_a_folder_of_bad_files_keeps_every_good_record(store: EventStore, tmp_path: Path) -> None:
    good = write_trail_file(s3_path(tmp_path, unique="good000000000000"), [record("g1")])
    truncated = s3_path(tmp_path, unique="trunc00000000000")
    truncated.write_bytes(gzip.compress(orjson.dumps({"Records": [record("t")] * 40}))[:60])
    (tmp_path / "notes.json").write_bytes(b"[1, 2")
    (tmp_path / "dangling.json").symlink_to(tmp_path / "missing.json")
    mixed = tmp_path / "mixed.jsonl"
    mixed.write_bytes(orjson.dumps(record("m1")) + b"\nnot json\n" + orjson.dumps(record("m2")))
    os.utime(good, (1, 1))
    summary = ingest_files(
        LocalSource((str(tmp_path),)).list_files(Window()), store, IngestSettings(workers=1)
    )
    ids = {e.event_id for e in store.iter_events()}
    assert ids == {"g1", "m1", "m2"}
    places = {(Path(p.location).name, p.record_index) for p in summary.problems}
    assert (truncated.name, None) in places
    assert ("notes.json", None) in places
    assert ("dangling.json", None) in places
    assert ("mixed.jsonl", 1) in places
    assert int(summary.exit_status) == 3
    stored = store.problems_since(0)
    assert len(stored) == len(summary.problems)
