"""Out-of-range event times cannot poison the store; differing repeats are reported."""

from __future__ import annotations

import subprocess
from pathlib import Path

from auditor.config import IngestSettings
from auditor.ingest.pipeline import ingest_files
from auditor.sources.layout import Window
from auditor.sources.local import LocalSource
from auditor.store.event_store import EventRow, EventStore
from tests.cli import run
from tests.conftest import fixed_clock
from tests.ingest.records import record, s3_path, write_trail_file

POISON = "9999-12-31T23:59:59.999999Z"


def _ingest(store: EventStore, root: Path) -> list[tuple[str, int | None, str]]:
    summary = ingest_files(
        LocalSource((str(root),)).list_files(Window()), store, IngestSettings(workers=1)
    )
    return [(Path(p.location).name, p.record_index, p.reason) for p in summary.problems]


def test_a_differing_record_with_a_stored_id_and_time_is_reported(
    store: EventStore, tmp_path: Path
) -> None:
    write_trail_file(s3_path(tmp_path, unique="first00000000000"), [record("a"), record("b")])
    assert _ingest(store, tmp_path) == []
    forged = record("a", userAgent="forged")
    second = write_trail_file(
        s3_path(tmp_path, unique="second0000000000"), [record("c"), record("b"), forged]
    )
    problems = _ingest(store, tmp_path)
    assert len(problems) == 1
    name, index, reason = problems[0]
    assert (name, index) == (second.name, 2) and "'a'" in reason
    agents = [e.user_agent for e in store.iter_events() if e.event_id == "a"]
    assert agents == ["aws-cli/2.15.0"]


def _cli_run(tmp_path: Path, logs: Path) -> subprocess.CompletedProcess[str]:
    config = tmp_path / "config.toml"
    config.write_text(
        f'[[sources]]\nkind = "local"\npaths = ["{logs}"]\n[report]\nformats = ["json"]\n',
        encoding="utf-8",
    )
    return run("--config", str(config), "--db", "t.db", "run", "--out", "out", cwd=tmp_path)


def test_an_out_of_range_event_time_is_a_problem_and_runs_go_on(tmp_path: Path) -> None:
    logs = tmp_path / "logs"
    write_trail_file(s3_path(logs), [record("ok"), record("far", time=POISON)])
    first = _cli_run(tmp_path, logs)
    assert "Traceback" not in first.stderr and first.returncode in (0, 1, 3), first.stderr
    store = EventStore.open(tmp_path / "t.db", fixed_clock)
    assert [e.event_id for e in store.iter_events()] == ["ok"]
    assert any("supported range" in p.reason for p in store.problems_since(0))
    store.close()
    again = _cli_run(tmp_path, logs)
    assert "Traceback" not in again.stderr and again.returncode in (0, 1, 3), again.stderr


def test_a_store_poisoned_by_an_older_version_is_cleaned(tmp_path: Path) -> None:
    store = EventStore.open(tmp_path / "t.db", fixed_clock)
    ok = EventRow("ok", 1_800_000_000_000_000, "iam.amazonaws.com", "CreateUser", "1", "r",
                  None, None, False, b'{"eventID":"ok"}')  # fmt: skip
    far = ok._replace(event_id="far", event_time_us=253402300799999999, raw=b'{"eventID":"far"}')
    store.insert_events([ok, far])
    store.connection.execute("DELETE FROM schema_migrations WHERE number = 41")
    store.close()
    logs = tmp_path / "logs"
    logs.mkdir()
    result = _cli_run(tmp_path, logs)
    assert "Traceback" not in result.stderr, result.stderr
    store = EventStore.open(tmp_path / "t.db", fixed_clock)
    ids = [row[0] for row in store.connection.execute("SELECT event_id FROM events")]
    assert ids == ["ok"]
    reasons = [p.reason for p in store.problems_since(0)]
    assert any("'far'" in r or "far" in r for r in reasons if "supported range" in r)
    store.close()
