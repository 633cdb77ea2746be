"""Problems found in rule definitions, each with its file and line (pySigma style)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True, slots=True)
class RuleProblem:
    """One thing wrong with one rule, where it is, and how to fix it."""

    path: str
    line: int | None
    message: str

    def __str__(self) -> str:
        where = f"{self.path}:{self.line}" if self.line else self.path
        return f"{where}: {self.message}"


def line_of(path: Path, needle: str) -> int | None:
    """The first line of ``path`` that mentions ``needle`` (TOML keeps no positions)."""
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except OSError:
        return None
    for number, line in enumerate(lines, start=1):
        if needle in line:
            return number
    return None
