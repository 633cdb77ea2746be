"""The pure filter: the bytes of one log file in, the kept records out.

This is the unit of work that ingest maps over a process pool (and that a Spark or
Glue job can map over S3 keys unchanged). Fast path: S3-delivered files are compact
``{"Records":[{"eventVersion":...},...]}``; a SIMD substring search (StringZilla,
or one AVX2 pass in C: see ``locate``) finds ``"eventSource":"<kept source>"`` and
only the records around the hits are parsed. Any surprise falls back to a full parse.
"""

from __future__ import annotations

import gc
from dataclasses import dataclass, field

import orjson

from auditor.ingest.decode import DecodeError, inflate, to_utf8
from auditor.ingest.keep import KeepRule
from auditor.ingest.locate import RECORD_MARK, record_starts
from auditor.ingest.rows import Skip, build_row
from auditor.ingest.shapes import NotCloudTrailError, looks_like_json_lines, unwrap
from auditor.store.event_store import EventRow

S3_PREFIX = b'{"Records":[{"eventVersion":'
NEXT_RECORD = b',{"eventVersion":'


@dataclass(slots=True)
class Selection:
    """What one file held: records seen, rows kept, problems, or a fatal reason."""

    records_seen: int = 0
    rows: list[EventRow] = field(default_factory=list)
    problems: list[tuple[int | None, str]] = field(default_factory=list)
    fatal: str | None = None


class _FastPathMiss(Exception):
    """The compact layout assumption did not hold; use the full parser."""


def _select_fast(text: bytes, rule: KeepRule, result: Selection) -> None:
    tail = text[-64:]  # stripped as a slice: stripping the whole text would copy it
    stripped = tail.rstrip()
    if not stripped.endswith(b"]}"):
        raise _FastPathMiss
    last_end = len(text) - (len(tail) - len(stripped)) - 2  # where the final "]}" starts
    result.records_seen, starts = record_starts(text, rule.needle_sources)
    for start in starts:
        if start < 0:
            raise _FastPathMiss
        end = text.find(NEXT_RECORD, start + 1)
        chunk = text[start : end if end != -1 else last_end]
        try:
            record = orjson.loads(chunk)
        except orjson.JSONDecodeError:
            raise _FastPathMiss from None
        outcome = build_row(record, rule, chunk)
        if isinstance(outcome, Skip):
            continue
        if isinstance(outcome, str):
            result.problems.append((text.count(RECORD_MARK, 0, start), outcome))
            continue
        result.rows.append(outcome)


def _select_records(records: list[object], rule: KeepRule, result: Selection) -> None:
    result.records_seen += len(records)
    for index, record in enumerate(records):
        outcome = build_row(record, rule)
        if isinstance(outcome, str):
            result.problems.append((index, outcome))
        elif not isinstance(outcome, Skip):
            result.rows.append(outcome)


def _select_lines(text: bytes, rule: KeepRule, result: Selection) -> None:
    for index, line in enumerate(text.split(b"\n")):
        if not line.strip():
            continue
        try:
            records = list(unwrap(orjson.loads(line)))
        except (orjson.JSONDecodeError, NotCloudTrailError) as exc:
            result.records_seen += 1
            result.problems.append((index, f"line {index + 1}: {exc}"))
            continue
        for record in records:
            result.records_seen += 1
            outcome = build_row(record, rule)
            if isinstance(outcome, str):
                result.problems.append((index, f"line {index + 1}: {outcome}"))
            elif not isinstance(outcome, Skip):
                result.rows.append(outcome)


def _select_slow(name: str, text: bytes, rule: KeepRule, result: Selection) -> None:
    text, note = to_utf8(text)
    if note:
        result.problems.append((None, note))
    if not text.strip():
        result.fatal = "empty file"
        return
    if looks_like_json_lines(name, text):
        _select_lines(text, rule, result)
        return
    try:
        value = orjson.loads(text)
    except orjson.JSONDecodeError as exc:
        result.fatal = f"invalid JSON: {exc}"
        return
    try:
        records = list(unwrap(value))
    except NotCloudTrailError as exc:
        result.fatal = str(exc)
        return
    _select_records(records, rule, result)


def select_records(data: bytes, name: str, rule: KeepRule, max_inflated: int) -> Selection:
    """Return the kept records of one log file (gzip or plain); never raises on bad input."""
    result = Selection()
    try:
        text = inflate(data, max_inflated)
    except DecodeError as exc:
        result.fatal = str(exc)
        return result
    collecting = gc.isenabled()
    gc.disable()
    try:
        if text.startswith(S3_PREFIX):
            try:
                _select_fast(text, rule, result)
                return result
            except _FastPathMiss:
                result = Selection()
        _select_slow(name, text, rule, result)
        return result
    finally:
        if collecting:
            gc.enable()
