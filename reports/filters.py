"""Escaping for Markdown: every value that came from logs is inert text.

In Markdown templates every ``{{ value }}`` passes through :func:`md_finalize`, which
escapes it unless a filter here already made it safe (a :class:`Markdown` string). Every
filter first caps the value and writes its control and invisible characters as escapes
(:func:`~reports.shown.shown_text`), so each value stays on its line and in its cell.
"""

from __future__ import annotations

import re
from typing import Any

from auditor.untrusted_text import capped, visible
from reports.documents import DocumentView
from reports.shown import MAX_SHOWN_CHARS, shown_text

_MD_SPECIAL = re.compile(r"[\\`*_\[\]|~$@#]")
_AUTOLINK = re.compile(r"(?i)(\b(?:https?|ftp|javascript|data|vbscript|file)):|(\bwww)\.")
_LIST_START = re.compile(r"^(\d+)([.)])")
_BLOCK_START = re.compile(r"^([+\-=])")
EMPTY = "—"


class Markdown(str):
    """Text already safe to place in Markdown as it is."""

    __slots__ = ()


def _text(value: Any) -> str:
    if value is None:
        return EMPTY
    if isinstance(value, bool):
        return "yes" if value else "no"
    return capped(str(value), MAX_SHOWN_CHARS)


def _break_autolink(match: re.Match[str]) -> str:
    if match.group(1):
        return match.group(1) + "\\:"
    return match.group(2) + "\\."


def md_escape(value: Any) -> Markdown:
    """Escape a value as literal Markdown text: no markup, links, HTML or line breaks."""
    if isinstance(value, Markdown):
        return value
    text = _text(value)
    text = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    text = _MD_SPECIAL.sub(lambda match: "\\" + match.group(0), text)
    text = _AUTOLINK.sub(_break_autolink, text)
    text = _LIST_START.sub(r"\1\\\2", _BLOCK_START.sub(r"\\\1", text))
    return Markdown(visible(text))  # ``\x1b``, ``\n``: a backslash before a letter is literal


def md_finalize(value: Any) -> Any:
    """Jinja ``finalize`` hook: escape every output that is not already Markdown."""
    if isinstance(value, Markdown):
        return value
    return md_escape(value)


def fence_for(text: str, char: str = "`", minimum: int = 3) -> str:
    """A fence of ``char`` longer than any run of it inside ``text``."""
    runs = re.findall(re.escape(char) + "+", text)
    longest = max((len(run) for run in runs), default=0)
    return char * max(minimum, longest + 1)


def md_code(value: Any, table: bool = False) -> Markdown:
    """Inline code whose fence is longer than any backtick run inside.

    ``table=True`` also escapes ``|`` so the value stays in its table cell.
    """
    if value is None:
        return Markdown(EMPTY)
    text = visible(_text(value))
    if not text:
        return Markdown("*(empty)*")
    if table:
        text = text.replace("|", "\\|")
    fence = fence_for(text, minimum=1)
    if text[0] in "` " or text[-1] in "` ":
        text = f" {text} "
    return Markdown(f"{fence}{text}{fence}")


def md_cell_code(value: Any) -> Markdown:
    """Inline code for a table cell."""
    return md_code(value, table=True)


def md_block(lines: list[str], language: str = "") -> Markdown:
    """A fenced code block with a fence longer than any backtick run inside."""
    body = "\n".join(shown_text(line) for line in lines)
    fence = fence_for(body)
    return Markdown(f"{fence}{language}\n{body}\n{fence}")


def md_diff(document: DocumentView) -> Markdown:
    """A document as a ``diff`` block: ``+`` before gained lines, ``-`` before lost ones."""
    prefix = {"gained": "+ ", "lost": "- ", "": "  "}
    return md_block([prefix[line.mark] + line.text for line in document.lines], "diff")
