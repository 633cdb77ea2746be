"""Load the shipped data tables from ``checks/data`` (gzipped or plain JSON, or TOML)."""

from __future__ import annotations

import functools
import gzip
import tomllib
from dataclasses import dataclass
from importlib.resources import files
from typing import Any

import orjson

DATA_PACKAGE = "checks.data"


@dataclass(frozen=True, slots=True)
class TableSource:
    """Where a shipped table comes from: recorded in the table's ``source`` header."""

    name: str
    version: str
    date: str
    license: str
    url: str

    def __str__(self) -> str:
        return f"{self.name} {self.version} ({self.date}, {self.license})"

    @classmethod
    def from_header(cls, header: object) -> TableSource:
        """Read the ``source`` header of a table; missing fields become empty strings."""
        fields = header if isinstance(header, dict) else {}
        return cls(
            name=str(fields.get("name", "")),
            version=str(fields.get("version", "")),
            date=str(fields.get("date", "")),
            license=str(fields.get("license", "")),
            url=str(fields.get("url", "")),
        )


@functools.cache
def load_table(name: str) -> dict[str, Any]:
    """Parse one table file of ``checks/data`` (cached; callers must not mutate it)."""
    raw = files(DATA_PACKAGE).joinpath(name).read_bytes()
    if name.endswith(".gz"):
        raw = gzip.decompress(raw)
    data = tomllib.loads(raw.decode("utf-8")) if name.endswith(".toml") else orjson.loads(raw)
    if not isinstance(data, dict):
        raise ValueError(f"table {name} is not a JSON object")
    return data
