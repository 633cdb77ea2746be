"""The one-pass C scanner finds what the per-needle substring search finds."""

from __future__ import annotations

from types import ModuleType

import orjson
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from auditor.ingest import locate
from auditor.ingest.keep import DEFAULT_KEEP_RULE
from auditor.ingest.locate import record_starts_by_search
from auditor.ingest.select import select_records
from tests.ingest.records import record
from tests.native import SCAN_EXPECTED
from tests.realdata import read_lines, real_record_files

try:
    from auditor.ingest import _scan as native
except ImportError:  # pragma: no cover - only where the extension could not be built
    native = None

SOURCES = DEFAULT_KEEP_RULE.needle_sources
needs_native = pytest.mark.skipif(native is None, reason="the C extension is not built")

# pieces that make and break the two patterns, at every alignment
FRAGMENTS = st.sampled_from(
    [
        b'{"eventVersion":', b',{"eventVersion":', b'"eventVersion":', b'{"eventVersio',
        b'"eventSource":"', b'"eventSource":"iam.amazonaws.com"', b"iam.amazonaws.com",
        b'"eventSource":"iam.amazonaws.com', b'"eventSource":"sts.amazonaws.com"',
        b'"eventSource":"signin.amazonaws.com"', b'"eventSource":"s3.amazonaws.com"',
        b'"eventSource":"cloudtrail.amazonaws.com"', b'"eventSource":"iam.amazonaws.comx"',
        b'"eventS', b'"eventV', b'"eventTime":"', b'"', b"t", b"V", b"S", b"{", b",", b"x" * 31,
        b"\xff\x00", b"]}",
    ]
)  # fmt: skip


def _native() -> ModuleType:
    assert native is not None
    return native


@pytest.mark.skipif(
    not SCAN_EXPECTED, reason="the AVX2 path is built only for x86-64, with a C compiler"
)
def test_the_extension_is_built_and_used_here() -> None:
    assert native is not None and native.SIMD and locate.NATIVE_SCAN


@needs_native
@settings(max_examples=400)
@given(
    st.lists(FRAGMENTS, max_size=40), st.sampled_from([(), SOURCES, (b"",), (b"s3.amazonaws.com",)])
)
def test_same_result_as_the_search_on_any_text(
    pieces: list[bytes], sources: tuple[bytes, ...]
) -> None:
    text = b"".join(pieces)
    assert _native().scan(text, sources) == record_starts_by_search(text, sources)


@needs_native
@pytest.mark.parametrize("shift", range(70))
def test_every_alignment_and_the_last_bytes(shift: int) -> None:
    records = [
        record("a"),
        record("b", source="s3.amazonaws.com"),
        record("c", source="sts.amazonaws.com"),
    ]
    text = b"x" * shift + orjson.dumps({"Records": records})
    for cut in (len(text), len(text) - 30, len(text) - 300):
        assert _native().scan(text[:cut], SOURCES) == record_starts_by_search(text[:cut], SOURCES)
    seen, starts = _native().scan(text, SOURCES)
    assert seen == 3 and [text[s : s + 16] for s in starts] == [b'{"eventVersion":'] * 2


@needs_native
def test_same_result_on_the_real_records() -> None:
    lines = [line for path in real_record_files() for line in read_lines(path)]
    text = b'{"Records":[' + b",".join(lines) + b"]}"
    seen, starts = _native().scan(text, SOURCES)
    assert (seen, starts) == record_starts_by_search(text, SOURCES)
    assert seen >= 1000 and len(starts) > 100


@needs_native
def test_wrong_arguments_raise_type_errors() -> None:
    with pytest.raises(TypeError):
        _native().scan("text", SOURCES)  # type: ignore[arg-type]
    with pytest.raises(TypeError):
        _native().scan(b"text", ("iam.amazonaws.com",))  # type: ignore[arg-type]


def test_the_filter_keeps_the_same_rows_with_either_path(monkeypatch: pytest.MonkeyPatch) -> None:
    records = [
        record(f"e{i}", source=source)
        for i, source in enumerate(
            ["iam.amazonaws.com", "ec2.amazonaws.com", "signin.amazonaws.com"] * 50
        )
    ]
    records.append(
        record(
            "nested",
            source="s3.amazonaws.com",
            requestParameters={"eventSource": "iam.amazonaws.com"},
        )
    )
    data = orjson.dumps({"Records": records}) + b"\n"
    kept = {}
    for use_native in (True, False):
        monkeypatch.setattr(locate, "NATIVE_SCAN", use_native and native is not None)
        result = select_records(data, "f.json", DEFAULT_KEEP_RULE, 2**30)
        kept[use_native] = (
            result.records_seen,
            [row.event_id for row in result.rows],
            result.problems,
        )
    assert kept[True] == kept[False]
    assert kept[True][0] == 151 and len(kept[True][1]) == 100
