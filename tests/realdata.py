"""Where the real CloudTrail records are: the shared research data, or the bundled copies."""

from __future__ import annotations

import gzip
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
SHARED_REAL = REPO.parent / "shared" / "data" / "real"
BUNDLED_REAL = REPO / "tests" / "data" / "real"


def real_record_files() -> list[Path]:
    """Every real records file: all shared sources when present, else the bundled ones."""
    shared = sorted(SHARED_REAL.glob("*/records.jsonl"))
    return shared or sorted(BUNDLED_REAL.glob("*/records.jsonl.gz"))


def read_lines(path: Path) -> list[bytes]:
    """The non-empty lines of a records file (gzip or plain)."""
    data = path.read_bytes()
    if path.suffix == ".gz":
        data = gzip.decompress(data)
    return [line for line in data.split(b"\n") if line.strip()]
