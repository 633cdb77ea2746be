"""Log-derived strings shown on a terminal: never markup, never control sequences.

User agents, session names and ARNs come from the logs. Rich would read ``[link=...]``
in them as markup, and a terminal would obey an escape sequence; both are neutralized.
"""

from __future__ import annotations

import re

from rich.text import Text

_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")


def terminal_safe(value: object) -> str:
    """The value as text with control characters shown as ``?``."""
    return _CONTROL.sub("?", "" if value is None else str(value))


def cell(value: object) -> Text:
    """A table cell holding the value literally (no markup, no control characters)."""
    return Text(terminal_safe(value))
