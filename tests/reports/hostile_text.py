"""Strings an attacker can put in a log value: every character class no reader may get raw."""

from __future__ import annotations

import re

from auditor.untrusted_text import UNSAFE

ESCAPES = "\x1b[31mred\x1b[0m \x1b]8;;https://evil.example\x07link\x1b]8;;\x07 \x1b[2J"
CONTROLS = "nul\x00 bel\x07 bs\x08 vt\x0b ff\x0c del\x7f nel\x85 csi\x9b[31m st\x9c"
BIDI = (
    "\u202aLRE\u202bRLE\u202cPDF\u202dLRO\u202eRLO \u2066LRI\u2067RLI\u2068FSI\u2069PDI"
    " \u200eLRM\u200fRLM \u061cALM"
)
INVISIBLE = "bom\ufeff zw\u200b\u200c\u200d tag\U000e0041 ls\u2028 ps\u2029 nonchar\uffff"
LINES = "one\ntwo\r\nthree\rfour\tfive"
FORGED = "x\n| forged | row | row | row |\n# FORGED heading\n- FORGED item\nFORGED line"
MARKUP = (
    "[click](javascript:alert(1)) <img src=x onerror=window.pwned=1> "
    "<script>window.pwned=2</script> `tick` ``` *bold* _u_ | pipe | &lt;b&gt;"
)
SURROGATES = "lone\ud800high \udfffsurrogate"
# every class at once: what the tests put in each log-derived field
EVERYTHING = " ".join((ESCAPES, CONTROLS, BIDI, INVISIBLE, LINES, FORGED, MARKUP))
WITH_SURROGATES = f"{EVERYTHING} {SURROGATES}"
FORGED_STARTS = ("| forged", "# FORGED", "- FORGED", "FORGED line")


def raw_unsafe(text: str) -> list[str]:
    """The unsafe characters ``text`` holds raw (its own line breaks excepted), as escapes."""
    return sorted({f"U+{ord(char):04X}" for char in UNSAFE.findall(text) if char != "\n"})


def forged_lines(text: str) -> list[str]:
    """Lines of ``text`` that begin with what a value tried to put on a line of its own."""
    return [line for line in text.splitlines() if line.lstrip(" \t>").startswith(FORGED_STARTS)]


def lines_beginning(text: str, pattern: str) -> list[str]:
    """Lines of ``text`` matching ``pattern`` at their start."""
    return [line for line in text.splitlines() if re.match(pattern, line)]
