"""The pure filter: the bytes of one log file in, the kept records out.

This is the unit of work that ingest maps over a process pool (and that a Spark or
Glue job can map over S3 keys unchanged). Fast path: S3-delivered files are compact
``{"Records":[{"eventVersion":...},...]}``; a SIMD substring search (StringZilla,
or one AVX2 pass in C: see ``locate``) finds ``"eventSource":"<kept source>"`` and
only the records around the hits are parsed. The fast path is taken only when whole-
text searches show no form it could miss (a ``\\u`` escape, an ``eventSource`` key
spelled with spaces or a non-string value); any surprise falls back to the full
parser, which parses record by record (see ``split``) so one bad record costs only
itself and memory holds one parsed record at a time.
"""

from __future__ import annotations

import gc
import json
import re
from dataclasses import dataclass, field
from typing import Any

import orjson

from auditor.ingest.decode import DecodeError, inflate, to_utf8
from auditor.ingest.keep import KeepRule
from auditor.ingest.locate import RECORD_MARK, SOURCE_KEY, finder, record_starts
from auditor.ingest.rows import Skip, build_row
from auditor.ingest.shapes import NotCloudTrailError, looks_like_json_lines, unwrap
from auditor.ingest.split import array_elements, records_array, value_end
from auditor.store.event_store import EventRow

S3_PREFIX = b'{"Records":[{"eventVersion":'
NEXT_RECORD = b',{"eventVersion":'
SOURCE_NAME = b'"eventSource"'
ESCAPE = b"\\u"
WHOLE_PARSE_LIMIT = 64 * 2**20  # larger texts are parsed record by record (bounded memory)
_EVENT_ID = re.compile(rb'"eventID"\s*:\s*"([^"\\]{1,128})"')


@dataclass(slots=True)
class Selection:
    """What one file held: records seen, rows kept (with each row's record index),
    problems, or a fatal reason."""

    records_seen: int = 0
    rows: list[EventRow] = field(default_factory=list)
    problems: list[tuple[int | None, str]] = field(default_factory=list)
    fatal: str | None = None
    row_indexes: list[int] = field(default_factory=list)

    def keep(self, index: int, outcome: EventRow | Skip | str, prefix: str = "") -> None:
        """Record one record's outcome: a row, a problem, or nothing for a skip."""
        if isinstance(outcome, str):
            self.problems.append((index, prefix + outcome))
        elif not isinstance(outcome, Skip):
            self.rows.append(outcome)
            self.row_indexes.append(index)


class _FastPathMiss(Exception):
    """The compact layout assumption did not hold; use the full parser."""


def _select_fast(text: bytes, rule: KeepRule, result: Selection) -> None:
    tail = text[-64:]  # stripped as a slice: stripping the whole text would copy it
    stripped = tail.rstrip()
    if not stripped.endswith(b"]}"):
        raise _FastPathMiss
    find, _, count = finder(text)
    # forms the needle cannot see: escapes (a key or source spelled with \u), and any
    # "eventSource" not followed by :" (spaces around the colon, a non-string value)
    if find(ESCAPE) != -1 or count(SOURCE_NAME) != count(SOURCE_KEY):
        raise _FastPathMiss
    last_end = len(text) - (len(tail) - len(stripped)) - 2  # where the final "]}" starts
    result.records_seen, starts = record_starts(text, rule.needle_sources)
    index, counted_to = 0, 0
    for start in starts:
        if start < 0:
            raise _FastPathMiss
        end = text.find(NEXT_RECORD, start + 1)
        chunk = text[start : end if end != -1 else last_end]
        try:
            record = orjson.loads(chunk)
        except orjson.JSONDecodeError:
            raise _FastPathMiss from None
        index += count(RECORD_MARK, counted_to, start)
        counted_to = start
        result.keep(index, build_row(record, rule, chunk))


def _event_id(raw: bytes) -> str:
    found = _EVENT_ID.search(raw)
    return f" (eventID {found[1].decode('utf-8', 'replace')!r})" if found else ""


def _parse(raw: bytes) -> tuple[Any] | str:
    """One record's JSON value (read leniently when it holds raw control characters), or
    why it cannot be read, naming its eventID when one is visible."""
    try:
        return (orjson.loads(raw),)
    except orjson.JSONDecodeError as exc:
        strict_error = str(exc)
    try:
        return (json.loads(raw.decode("utf-8", "replace"), strict=False),)
    except RecursionError:
        reason = "nested too deeply"
    except ValueError:
        reason = "nested too deeply" if "recursion" in strict_error else strict_error
    return f"unreadable record: {reason}{_event_id(raw)}"


def _select_values(
    value: Any, rule: KeepRule, result: Selection, index: int, prefix: str = ""
) -> int:
    """Unwrap one JSON value into records and keep them; return the next record index."""
    try:
        records = list(unwrap(value))
    except NotCloudTrailError as exc:
        result.records_seen += 1
        result.problems.append((index, f"{prefix}{exc}"))
        return index + 1
    for record in records:
        result.records_seen += 1
        result.keep(index, build_row(record, rule), prefix)
        index += 1
    return index


def _select_array(text: bytes, start: int, rule: KeepRule, result: Selection, flat: bool) -> int:
    """Each element of the array at ``start``, parsed alone; return where the array ends.

    ``flat``: elements are records (a ``Records`` array), else any supported shape.
    """
    index = 0
    end = start
    for begin, end in array_elements(text, start):
        parsed = _parse(text[begin:end])
        if isinstance(parsed, str):
            result.records_seen += 1
            result.problems.append((index, parsed))
            index += 1
            continue
        if flat:
            result.records_seen += 1
            result.keep(index, build_row(parsed[0], rule))
            index += 1
        else:
            index = _select_values(parsed[0], rule, result, index)
    return end


def _select_lines(text: bytes, rule: KeepRule, result: Selection) -> None:
    line_start = 0
    number = 0
    index = 0
    while line_start <= len(text):
        line_end = text.find(b"\n", line_start)
        if line_end == -1:
            line_end = len(text)
        line = text[line_start:line_end]
        number += 1
        line_start = line_end + 1
        if not line.strip():
            continue
        prefix = f"line {number}: "
        parsed = _parse(line)
        if isinstance(parsed, str):
            result.records_seen += 1
            result.problems.append((index, prefix + parsed))
            index += 1
            continue
        index = _select_values(parsed[0], rule, result, index, prefix)


def _select_split(text: bytes, rule: KeepRule, result: Selection) -> bool:
    """Parse record by record when the text is a Records object or an array; False if
    it is neither."""
    start = records_array(text)
    if start is not None:
        end = _select_array(text, start, rule, result, flat=True)
        closing = b"]}"
    elif text.lstrip()[:1] == b"[":
        end = _select_array(text, text.index(b"[") + 1, rule, result, flat=False)
        closing = b"]"
    else:
        return False
    rest = text[end:].translate(None, b" \t\r\n")
    if rest != closing:
        why = "unexpected text after the records" if rest else "the file ends inside its records"
        result.problems.append((None, f"invalid JSON: {why} (byte {end}; truncated?)"))
    return True


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
    if len(text) <= WHOLE_PARSE_LIMIT:
        try:
            value = orjson.loads(text)
        except orjson.JSONDecodeError as exc:
            whole_error = f"invalid JSON: {exc}"
        else:
            try:
                records = list(unwrap(value))
            except NotCloudTrailError as error:
                result.fatal = str(error)
                return
            del value
            result.records_seen += len(records)
            for index, record in enumerate(records):
                result.keep(index, build_row(record, rule))
            return
    else:
        whole_error = "invalid JSON"
    if not _select_split(text, rule, result):
        if len(text) > WHOLE_PARSE_LIMIT and value_end(text, len(text) - len(text.lstrip())) != -1:
            whole_error = f"a single JSON value larger than {WHOLE_PARSE_LIMIT // 2**20} MiB"
        result.fatal = whole_error


def select_records(data: bytes, name: str, rule: KeepRule, max_inflated: int) -> Selection:
    """Return the kept records of one log file (gzip or plain); never raises on bad input."""
    result = Selection()
    try:
        text = inflate(data, max_inflated)
    except DecodeError as exc:
        result.fatal = str(exc)
        return result
    del data
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
