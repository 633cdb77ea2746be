"""Markdown escaping and fencing of values that came from logs."""

from __future__ import annotations

import pytest

from reports.documents import document_lines
from reports.filters import Markdown, md_block, md_cell_code, md_code, md_escape, md_finalize


@pytest.mark.parametrize(
    ("raw", "escaped"),
    [
        ("plain text", "plain text"),
        ("a|b", "a\\|b"),
        ("<script>", "&lt;script&gt;"),
        ("[x](javascript:alert(1))", "\\[x\\](javascript\\:alert(1))"),
        ("*b* _i_ ~s~ `c`", "\\*b\\* \\_i\\_ \\~s\\~ \\`c\\`"),
        ("line\nbreak\r\nand\rmore", "line\\nbreak\\r\\nand\\rmore"),
        ("1. item", "1\\. item"),
        ("# title", "\\# title"),
        ("- item", "\\- item"),
        ("https://x.example www.x.example", "https\\://x.example www\\.x.example"),
        ("a@b.example", "a\\@b.example"),
        ("&amp;", "&amp;amp;"),
        (None, "—"),
        (3, "3"),
    ],
)
def test_md_escape(raw: object, escaped: str) -> None:
    assert md_escape(raw) == escaped


def test_md_escape_leaves_markdown_alone() -> None:
    assert md_escape(Markdown("`x`")) == "`x`"
    assert md_finalize(Markdown("**b**")) == "**b**"
    assert md_finalize("**b**") == "\\*\\*b\\*\\*"


@pytest.mark.parametrize(
    ("raw", "code"),
    [
        ("abc", "`abc`"),
        ("a`b", "``a`b``"),
        ("a``b`", "``` a``b` ```"),
        ("`start", "`` `start ``"),
        ("two\nlines", "`two\\nlines`"),
        ("", "*(empty)*"),
        (None, "—"),
    ],
)
def test_md_code_picks_a_longer_fence(raw: str | None, code: str) -> None:
    assert md_code(raw) == code


def test_md_cell_code_escapes_pipes() -> None:
    assert md_cell_code("a|b") == "`a\\|b`"


def test_md_block_fence_is_longer_than_any_run_inside() -> None:
    block = md_block(["x = ```", "y = ````"], "json")
    assert block.startswith("`````json\n")
    assert block.endswith("\n`````")


def test_document_marks_gained_actions_and_principals() -> None:
    document = {
        "Statement": [
            {"Action": ["s3:GetObject", "iam:*"], "Resource": "*"},
            {"Principal": {"AWS": "999988887777"}, "Action": "sts:AssumeRole"},
        ]
    }
    lines, omitted = document_lines(
        document, "gained", ["iam:PassRole"], ["arn:aws:iam::999988887777:root"]
    )
    marked = [line.text.strip() for line in lines if line.mark]
    assert marked == ['"iam:*"', '"AWS": "999988887777"']
    assert omitted == 0


def test_resource_star_is_not_marked_as_an_action() -> None:
    lines, _ = document_lines({"Action": "s3:GetObject", "Resource": "*"}, "gained", ["iam:X"])
    assert not any(line.mark for line in lines)


def test_long_documents_are_capped() -> None:
    lines, omitted = document_lines({"Action": [f"s3:A{i}" for i in range(1000)]}, max_lines=50)
    assert len(lines) == 50
    assert omitted == 1004 - 50
