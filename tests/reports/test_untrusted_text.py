"""Showing log text: every unsafe character as an escape; JSON with ``\\u`` escapes, exact."""

from __future__ import annotations

import json
from enum import Enum

import orjson
import pytest

from auditor.safe_json import dumps
from auditor.untrusted_text import UNSAFE, capped, shown, visible, visible_exact
from tests.reports.hostile_text import EVERYTHING, WITH_SURROGATES, raw_unsafe

NAMED = [
    ("\x1b[31m", "\\x1b[31m"),
    ("\x07\x00\x7f", "\\x07\\x00\\x7f"),
    ("\x85\x9b", "\\x85\\x9b"),
    ("a\nb\r\nc\td", "a\\nb\\r\\nc\\td"),
    ("\u202eevil", "\\u202eevil"),
    ("\u202a\u202b\u202c\u202d", "\\u202a\\u202b\\u202c\\u202d"),
    ("\u2066\u2067\u2068\u2069", "\\u2066\\u2067\\u2068\\u2069"),
    ("\u200e\u200f\u061c", "\\u200e\\u200f\\u061c"),
    ("\u2028\u2029", "\\u2028\\u2029"),
    ("\ufeff\u200b", "\\ufeff\\u200b"),
    ("\ud800", "\\ud800"),
    ("\U000e0041", "\\U000e0041"),
    ("José → 日本 ✓ 😀 a\\b", "José → 日本 ✓ 😀 a\\b"),
]


@pytest.mark.parametrize(("raw", "escaped"), NAMED)
def test_visible_escapes_each_class_and_keeps_ordinary_text(raw: str, escaped: str) -> None:
    assert visible(raw) == escaped


def test_every_control_and_c1_character_is_escaped() -> None:
    every = "".join(chr(point) for point in (*range(0x20), *range(0x7F, 0xA0)))
    assert raw_unsafe(visible(every)) == []
    assert "\n" not in visible(every)


def test_visible_exact_keeps_distinct_texts_distinct() -> None:
    assert visible_exact("a\x1bb") != visible_exact("a\\x1bb")
    assert visible_exact("a\\x1bb") == "a\\\\x1bb"


def test_capped_says_how_much_was_left_out() -> None:
    agent = "A" * 100_000
    assert capped(agent, 300) == "A" * 300 + "… (99,700 more characters)"
    assert capped("short", 300) == "short"
    assert shown(None, 10) == ""


@pytest.mark.parametrize("text", [EVERYTHING, WITH_SURROGATES])
def test_json_escapes_unsafe_characters_and_round_trips(text: str) -> None:
    document = {"user_agent": text, "nested": [{"k": text}], text[:5]: 1}
    encoded = dumps(document, option=orjson.OPT_SORT_KEYS | orjson.OPT_INDENT_2)
    assert raw_unsafe(encoded) == []
    assert json.loads(encoded) == document
    assert "\\u202e" in encoded and "\\u0085" in encoded and "\\u007f" in encoded


def test_json_without_unsafe_characters_is_orjson_byte_for_byte() -> None:
    document = {"b": [1, 2.5, None, True], "a": "José → 日本 😀", "c": {"x": "y"}}
    option = orjson.OPT_SORT_KEYS | orjson.OPT_INDENT_2
    assert dumps(document, option=option) == orjson.dumps(document, option=option).decode()


def test_json_with_surrogates_keeps_orjson_layout() -> None:
    class Kind(Enum):
        ROLE = "role"

    document = {"b": [1, None, Kind.ROLE], "a": "x\ud800", 3: {"z": "q"}}
    option = orjson.OPT_SORT_KEYS | orjson.OPT_INDENT_2 | orjson.OPT_NON_STR_KEYS
    layout = orjson.dumps({**document, "a": "x?"}, option=option).decode()
    assert dumps(document, option=option) == layout.replace('"x?"', '"x\\ud800"')


def test_unsafe_pattern_leaves_printable_text_alone() -> None:
    printable = "".join(chr(point) for point in range(0x20, 0x7F)) + "äßçñøé€£¥©®°±µ¶·"
    assert UNSAFE.search(printable) is None
