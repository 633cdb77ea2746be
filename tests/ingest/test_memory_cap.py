"""The decompression cap bounds memory, whatever the bomb."""

from __future__ import annotations

import os
import subprocess
import sys
import zlib
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
CAP = 32 * 2**20

_CHILD = """
import resource, sys
from auditor.ingest.keep import DEFAULT_KEEP_RULE
from auditor.ingest.select import select_records
data = open(sys.argv[1], "rb").read()
before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
result = select_records(data, "bomb.json.gz", DEFAULT_KEEP_RULE, int(sys.argv[2]))
after = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
print(after - before, result.fatal)
"""


def _bomb(path: Path, gib: int) -> None:
    """One gzip member of ``gib`` GiB of spaces (a few MB on disk)."""
    packer = zlib.compressobj(9, zlib.DEFLATED, 31)
    block = b" " * 2**26
    with path.open("wb") as out:
        for _ in range(gib * 16):
            out.write(packer.compress(block))
        out.write(packer.flush())


def test_a_bomb_stays_within_a_small_multiple_of_the_cap(tmp_path: Path) -> None:
    bomb = tmp_path / "bomb.json.gz"
    _bomb(bomb, 3)
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    done = subprocess.run(
        [sys.executable, "-c", _CHILD, str(bomb), str(CAP)],
        env=env, capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    grown_kib, fatal = done.stdout.split(maxsplit=1)
    assert "cap" in fatal
    assert int(grown_kib) * 1024 < 3 * CAP
