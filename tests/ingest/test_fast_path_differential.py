"""Differential fuzz: the fast path gives the full parser's rows and problems, or steps aside."""

from __future__ import annotations

import orjson
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from auditor.ingest import select
from auditor.ingest.keep import DEFAULT_KEEP_RULE
from tests.ingest.records import record

SOURCES = ["iam.amazonaws.com", "ec2.amazonaws.com", "sts.amazonaws.com", "s3.amazonaws.com"]
SPELLINGS = [
    lambda t: t,
    lambda t: t.replace(b'"eventSource":"i', b'"eventSource":"\\u0069', 1),
    lambda t: t.replace(b'"eventSource":', b'"\\u0065ventSource":', 1),
    lambda t: t.replace(b'"eventSource":', b'"eventSource": ', 1),
    lambda t: t.replace(b'"eventSource":', b'"eventSource" :', 1),
    lambda t: t.replace(b'"eventName":', b'"eventName":\t', 1),
]


@st.composite
def records(draw: st.DrawFn, broken: bool = False) -> bytes:
    source = draw(st.sampled_from(SOURCES))
    extra: dict[str, object] = {}
    if draw(st.booleans()):
        extra["requestParameters"] = {"eventSource": draw(st.sampled_from(SOURCES))}
    text = orjson.dumps(record(draw(st.sampled_from("abc")), source=source, **extra))
    if draw(st.booleans()):  # a duplicate key: the parser keeps the last
        text = text[:-1] + b',"eventSource":"' + draw(st.sampled_from(SOURCES)).encode() + b'"}'
    if broken and draw(st.integers(0, 9)) == 0:
        text = text[: draw(st.integers(1, len(text) - 1))]  # broken
    return draw(st.sampled_from(SPELLINGS))(text)


@settings(max_examples=300, deadline=None)
@given(st.lists(records(), min_size=1, max_size=6))
def test_fast_path_equals_full_parser(items: list[bytes]) -> None:
    _check(items)


@pytest.mark.xfail(reason="known gap: a broken unkept record is not seen by the fast path")
@settings(max_examples=300, deadline=None)
@given(st.lists(records(broken=True), min_size=1, max_size=6))
def test_fast_path_equals_full_parser_with_broken_records(items: list[bytes]) -> None:
    _check(items)


def _check(items: list[bytes]) -> None:
    text = b'{"Records":[' + b",".join(items) + b"]}"
    if not text.startswith(select.S3_PREFIX):
        return
    fast = select.Selection()
    try:
        select._select_fast(text, DEFAULT_KEEP_RULE, fast)
    except select._FastPathMiss:
        return
    full = select.Selection()
    select._select_slow("x.json", text, DEFAULT_KEEP_RULE, full)
    assert sorted(str(orjson.loads(r.raw)) for r in fast.rows) == sorted(
        str(orjson.loads(r.raw)) for r in full.rows
    )
    assert sorted(map(repr, fast.problems)) == sorted(map(repr, full.problems))
