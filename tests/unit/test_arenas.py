"""pymalloc arenas on huge pages: each test runs in its own interpreter, since the arena
allocator is process-wide and cannot be taken back."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.native import ARENAS_EXPECTED

THP_SETTING = Path("/sys/kernel/mm/transparent_hugepage/enabled")
needs_arenas = pytest.mark.skipif(
    not ARENAS_EXPECTED, reason="the arena extension is built on Linux, with a C compiler"
)
# shared by the scripts: resident and huge-page memory (Linux /proc), and many small objects
PROBES = """
import gc, os
def rss():
    return int(open("/proc/self/statm").read().split()[1]) * os.sysconf("SC_PAGE_SIZE")
def huge():
    for line in open("/proc/self/smaps_rollup"):
        if line.startswith("AnonHugePages:"):
            return int(line.split()[1]) * 1024
    return 0
def objects(n, tag):
    return [(f"{tag}-{i}", i) for i in range(n)]  # small objects: pymalloc arenas
"""


def run(script: str, **env: str) -> list[str]:
    done = subprocess.run(
        [sys.executable, "-c", PROBES + script],
        capture_output=True, text=True, env={**os.environ, **env}, check=False,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    return done.stdout.split()


def thp_enabled() -> bool:
    return THP_SETTING.exists() and "[never]" not in THP_SETTING.read_text()


@needs_arenas
def test_arenas_come_from_huge_page_chunks_and_are_reused() -> None:
    out = run("""
from auditor import _arenas
assert _arenas.install() and _arenas.install()  # idempotent
held = objects(1_500_000, "a")
first = _arenas.reserved()
big = huge()
assert held[1_234_567] == ("a-1234567", 1234567)
del held; gc.collect()
held = objects(1_500_000, "b")  # pymalloc's freed arenas come back from the free list
assert held[-1] == ("b-1499999", 1499999) and len(set(held)) == 1_500_000
print(first, _arenas.reserved(), big)
""")
    first, second, huge_bytes = map(int, out)
    assert first >= 128 << 20  # ~150 MB of objects in 64 MiB chunks
    assert second == first  # the second round reused the first round's arenas
    if thp_enabled():
        assert huge_bytes >= 64 << 20
    else:  # pragma: no cover - hosts with transparent huge pages off
        assert huge_bytes == 0


@needs_arenas
def test_arenas_from_before_install_go_back_to_the_system() -> None:
    out = run("""
from auditor import _arenas
held = objects(1_500_000, "a")
before = rss()
_arenas.install()
del held; gc.collect()
print(before - rss(), _arenas.reserved())
""")
    released, reserved = map(int, out)
    assert released >= 100 << 20  # unmapped by the previous allocator, not kept by ours
    assert reserved == 0  # freeing took no chunk


def test_the_switch_turns_it_off_and_the_cli_turns_it_on() -> None:
    script = "from auditor.arenas import use_huge_pages; print(use_huge_pages())"
    assert run(script, TRAILAUDIT_NO_EXTENSION="1") == ["False"]
    assert run(script) == [str(ARENAS_EXPECTED)]
    cli = "import sys; from auditor.cli.main import main; sys.argv = ['trailaudit', '--help']\n"
    cli += "from auditor import _arenas\ntry:\n    main()\nexcept SystemExit:\n    pass\n"
    cli += "print(_arenas.reserved() > 0)"
    if ARENAS_EXPECTED:
        assert run(cli)[-1] == "True"
