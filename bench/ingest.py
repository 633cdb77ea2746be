"""Ingest throughput against the decompression floor, measured in the same run.

Generates (or reuses) a synthetic corpus in the S3 layout, then measures:
  floor   every file read and gunzipped with isal, output presized from the gzip
          trailer, on all cores (the physical limit of any ingest);
  filter  the pure filter alone on all cores (read, gunzip, find and parse the kept
          records), which is what a Spark or Glue job maps over S3 keys; when the C
          record finder is in use, also with the portable finder, as its baseline;
  ingest  ``trailaudit ingest`` end to end into a new database, in a subprocess.
Prints MB/s of compressed input, records/s, peak memory and the ratio to the floor.

    python bench/ingest.py --mb 200            # corpus size in MB of gzip
"""

from __future__ import annotations

import argparse
import compileall
import json
import multiprocessing
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from host_speed import host_line
from isal import isal_zlib

import auditor
from auditor.ingest import locate
from auditor.ingest.keep import DEFAULT_KEEP_RULE
from auditor.ingest.select import select_records
from auditor.sources.local import read_whole
from auditor.testing.corpus import CorpusSpec, write_corpus


def _inflate(path: str) -> int:
    data = read_whole(path)  # as ingest reads: the floor must be the quickest read
    size = int.from_bytes(data[-4:], "little")
    return len(isal_zlib.decompress(data, 31, size + 1))


def processor_seconds() -> float:
    """Processor time (user and system) of this process and of every child it has reaped."""
    total = 0.0
    for who in (resource.RUSAGE_SELF, resource.RUSAGE_CHILDREN):
        usage = resource.getrusage(who)
        total += usage.ru_utime + usage.ru_stime
    return total


def measure_floor(files: list[str], workers: int) -> float:
    """Seconds to read and gunzip every file with presized isal on ``workers`` processes."""
    started = time.perf_counter()
    with multiprocessing.get_context("fork").Pool(workers) as pool:
        for _ in pool.imap_unordered(_inflate, files, chunksize=8):
            pass
    return time.perf_counter() - started


def _filter(path: str) -> int:
    data = read_whole(path)
    return len(select_records(data, path, DEFAULT_KEEP_RULE, 2**30).rows)


def _use_finder(native: bool) -> None:
    locate.NATIVE_SCAN = native


def measure_filter(files: list[str], workers: int, native: bool) -> float:
    """Seconds for the pure filter alone (read, gunzip, select, parse kept) on all cores,
    with the C record finder or the portable one."""
    started = time.perf_counter()
    context = multiprocessing.get_context("fork")
    with context.Pool(workers, _use_finder, (native,)) as pool:
        for _ in pool.imap_unordered(_filter, files, chunksize=8):
            pass
    return time.perf_counter() - started


# Runs a command and reports its time and peak memory. A process started by the benchmark
# itself would inherit the benchmark's own high-water mark (Linux records the RSS of the
# image an exec replaces), so the ingest is started from this small launcher instead.
_LAUNCHER = """
import os, subprocess, sys, time
started = time.perf_counter()
process = subprocess.Popen(sys.argv[1:])
_, status, usage = os.wait4(process.pid, 0)
print(time.perf_counter() - started, usage.ru_maxrss, file=sys.stderr)
sys.exit(os.waitstatus_to_exitcode(status))
"""


def measure_ingest(corpus: Path, workers: int) -> tuple[float, int, dict[str, object]]:
    """Seconds, peak RSS (KiB, of the ingest's processes) and the JSON summary of
    ``trailaudit ingest`` into a new database."""
    with tempfile.TemporaryDirectory() as scratch:
        config = Path(scratch) / "config.toml"
        config.write_text(f"[ingest]\nworkers = {workers}\n", encoding="utf-8")
        command = [
            sys.executable, "-m", "auditor", "--config", str(config),
            "--db", str(Path(scratch) / "bench.db"), "-q", "ingest", "--json", str(corpus),
        ]  # fmt: skip
        done = subprocess.run(
            [sys.executable, "-S", "-c", _LAUNCHER, *command], capture_output=True, text=True
        )
        if done.returncode != 0:
            raise SystemExit(f"ingest failed ({done.returncode}): {done.stderr}")
        seconds, peak = done.stderr.split()[-2:]
    return float(seconds), int(peak), json.loads(done.stdout)


def main() -> None:
    """Generate the corpus if needed, measure, print the figures."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--mb", type=float, default=100.0, help="corpus size, MB of gzip")
    parser.add_argument("--dir", type=Path, default=Path("bench/out/corpus"))
    parser.add_argument("--workers", type=int, default=os.cpu_count() or 1)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--keep", action="store_true", help="keep the corpus afterwards")
    args = parser.parse_args()
    corpus: Path = args.dir / f"{args.mb:g}mb"
    if not corpus.exists():
        started = time.perf_counter()
        stats = write_corpus(corpus, CorpusSpec(total_mb=args.mb))
        print(
            f"generated {stats.files:,} files, {stats.records:,} records "
            f"({stats.iam_records / stats.records:.1%} IAM family) in "
            f"{time.perf_counter() - started:.1f} s"
        )
    files = sorted(str(p) for p in corpus.rglob("*.json.gz"))
    size_mb = sum(os.path.getsize(f) for f in files) / 1e6
    floors, filters, portable, ingests, peaks = [], [], [], [], []
    native = locate.NATIVE_SCAN
    summary: dict[str, object] = {}
    print(host_line("start"))
    for name in files:  # into the page cache first: a cold first round would flatter the ratio
        read_whole(name)
    # byte-compiled as an installed package is: with PYTHONDONTWRITEBYTECODE set (as on
    # this project's machines), every ingest would otherwise compile its edited modules
    compileall.compile_dir(Path(auditor.__file__).parent, quiet=1)
    processor: dict[str, list[float]] = {"floor": [], "filter": [], "ingest": []}
    for _ in range(args.repeat):
        before = processor_seconds()
        floors.append(measure_floor(files, args.workers))
        after_floor = processor_seconds()
        filters.append(measure_filter(files, args.workers, native))
        after_filter = processor_seconds()
        if native:
            portable.append(measure_filter(files, args.workers, native=False))
        before_ingest = processor_seconds()
        seconds, peak, summary = measure_ingest(corpus, args.workers)
        ingests.append(seconds)
        peaks.append(peak)
        processor["floor"].append(after_floor - before)
        processor["filter"].append(after_filter - after_floor)
        processor["ingest"].append(processor_seconds() - before_ingest)
    middle = len(floors) // 2
    floor, ingest = sorted(floors)[middle], sorted(ingests)[middle]
    selected = sorted(filters)[middle]
    records = int(str(summary["records_seen"]))
    kept = int(str(summary["records_kept"]))
    print(
        f"corpus: {len(files):,} files, {size_mb:,.1f} MB gzip, {records:,} records, {kept:,} kept"
    )
    print(f"workers: {args.workers}, runs: {args.repeat} (median shown)")
    print(f"record finder: {locate.finder_name()}")
    print(f"floor  (isal presized): {floor:6.2f} s  {size_mb / floor:7.1f} MB/s")
    print(
        f"filter (no store):      {selected:6.2f} s  {size_mb / selected:7.1f} MB/s"
        f"  ratio to floor {floor / selected:.2f}x"
    )
    if portable:
        baseline = sorted(portable)[middle]
        print(
            f"filter (no C finder):   {baseline:6.2f} s  {size_mb / baseline:7.1f} MB/s"
            f"  ratio to floor {floor / baseline:.2f}x  (the C finder: {baseline / selected:.2f}x"
            " as fast)"
        )
    print(
        f"ingest (end to end):    {ingest:6.2f} s  {size_mb / ingest:7.1f} MB/s"
        f"  {records / ingest:,.0f} records/s  peak RSS {max(peaks) / 1024:,.0f} MiB"
    )
    # each round's floor and ingest run back to back, under the same host conditions: the
    # median of the rounds' ratios is steadier than the ratio of the medians
    ratios = sorted(f / i for f, i in zip(floors, ingests, strict=True))
    rounds = ", ".join(f"{f / i:.2f}" for f, i in zip(floors, ingests, strict=True))
    print(f"ratio to floor: {ratios[middle]:.2f}x  (rounds: {rounds}; target >= 0.60x)")
    spent = ", ".join(f"{name} {sorted(times)[middle]:.2f}" for name, times in processor.items())
    print(f"processor time, all processes (core-seconds, median): {spent}")
    print(host_line("end"))
    if not args.keep:
        shutil.rmtree(corpus)


if __name__ == "__main__":
    main()
