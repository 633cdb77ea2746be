"""Log-derived strings shown on a terminal: never markup, never control sequences.

User agents, session names, ARNs and file names come from the logs. Rich would read
``[link=...]`` in them as markup, a terminal would obey an escape sequence, and a newline
would forge a line of the table or the log. Every such character is written as an escape
(``\\x1b``, ``\\n``, ``\\u202e``) and very long values are cut with a note of their length.
"""

from __future__ import annotations

from typing import Any

from rich.text import Text

from auditor.safe_json import dumps
from auditor.untrusted_text import shown

MAX_CELL_CHARS = 300
MAX_LINE_CHARS = 4000


def terminal_safe(value: object, limit: int = MAX_LINE_CHARS) -> str:
    """The value as one line of text: unsafe characters escaped, cut to ``limit``."""
    return shown(value, limit)


def cell(value: object, limit: int = MAX_CELL_CHARS) -> Text:
    """A table cell holding the value literally, on one line (no markup, no controls)."""
    return Text(terminal_safe(value, limit))


def json_line(value: Any, option: int = 0) -> str:
    """JSON for the terminal: every string whole, control and bidi characters as escapes."""
    return dumps(value, option=option)
