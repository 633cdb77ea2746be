"""What every value interpolated into a report becomes: capped, one line, nothing invisible.

Log values can be huge (a 100 KB user agent) and hold control, bidi and invisible
characters. Each shown value is cut to :data:`MAX_SHOWN_CHARS` with a note of how much
was left out (the JSON report keeps it whole) and its unsafe characters are written as
escapes by :func:`~auditor.untrusted_text.visible`.
"""

from __future__ import annotations

from typing import Any

from jinja2 import Undefined
from markupsafe import Markup

from auditor.untrusted_text import shown, visible

MAX_SHOWN_CHARS = 4000


def shown_text(value: Any) -> str:
    """``value`` as text fit to show in a report."""
    return shown(value, MAX_SHOWN_CHARS)


def html_finalize(value: Any) -> Any:
    """Jinja ``finalize`` hook of the HTML reports, applied to every ``{{ ... }}``.

    Text is capped and made visible, then autoescaped by Jinja. Markup (the inline SVG the
    renderer built, its text already escaped) keeps its tags; any unsafe character in it
    is written as an escape too.
    """
    if isinstance(value, Markup):
        return Markup(visible(value))
    if value is None or isinstance(value, Undefined | bool | int | float):
        return value
    return shown_text(value)
