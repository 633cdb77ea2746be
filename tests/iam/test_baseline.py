"""Baselines: both GetAccountAuthorizationDetails shapes, pages, accounts, and the CLI."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from auditor.errors import ExitStatus
from auditor.iam.baseline import BaselineError, read_authorization_details, split_by_account
from auditor.iam.history import import_baseline, state_at
from auditor.iam.model import content_getter
from auditor.iam.state import FAMILIES, IamState
from auditor.store.event_store import EventStore
from tests.cli import run
from tests.iam.builders import ACCOUNT, OTHER, START, gaad


def content(entity: object) -> object:
    return content_getter(type(entity))(entity)


def same_content(a: IamState, b: IamState) -> bool:
    return all(
        {k: content(v) for k, v in a.table(f).items()}
        == {k: content(v) for k, v in b.table(f).items()}
        for f in FAMILIES
    )


def test_cli_shape_reads_every_entity() -> None:
    baseline = read_authorization_details([gaad()], START)
    state = baseline.state
    alice = state.users[f"arn:aws:iam::{ACCOUNT}:user/alice"]
    bob = state.users[f"arn:aws:iam::{ACCOUNT}:user/ops/bob"]
    group = state.groups[f"arn:aws:iam::{ACCOUNT}:group/devs"]
    role = state.roles[f"arn:aws:iam::{ACCOUNT}:role/deployer"]
    policy = state.policies[f"arn:aws:iam::{ACCOUNT}:policy/deploy"]
    assert alice.groups == {group.arn} and group.members == {alice.arn}
    assert alice.inline["s3-read"].data is not None and alice.tags == {"team": "data"}
    assert bob.path == "/ops/" and "arn:aws:iam::aws:policy/ReadOnlyAccess" in bob.attached
    assert role.trust is not None and role.trust.parsed() is not None
    assert role.instance_profiles == {f"arn:aws:iam::{ACCOUNT}:instance-profile/deployer-profile"}
    assert policy.default_version == "v2" and set(policy.versions) == {"v1", "v2"}
    assert policy.default_document is not None
    assert baseline.accounts == {ACCOUNT} and state.baseline_at == {ACCOUNT: START}
    assert all(user.origin == "baseline" for user in state.users.values())
    assert state.names.get("user", ACCOUNT, "bob") == bob.arn


def test_raw_api_shape_equals_cli_shape() -> None:
    cli = read_authorization_details([gaad()], START).state
    raw = read_authorization_details([gaad(raw_api=True)], START).state
    assert same_content(cli, raw)


def test_pages_merge_and_accounts_come_from_arns() -> None:
    whole = gaad()
    first = {"UserDetailList": whole["UserDetailList"], "IsTruncated": True, "Marker": "m"}
    rest = {k: v for k, v in whole.items() if k != "UserDetailList"}
    paged = read_authorization_details([first, rest], START).state
    assert same_content(paged, read_authorization_details([whole], START).state)
    both = read_authorization_details([gaad(), gaad(OTHER)], START)
    assert both.accounts == {ACCOUNT, OTHER}
    parts = split_by_account(both)
    assert set(parts) == {ACCOUNT, OTHER}
    assert all(u.account == OTHER for u in parts[OTHER].users.values())


def test_not_a_baseline_is_an_input_problem() -> None:
    with pytest.raises(BaselineError) as raised:
        read_authorization_details([{"Records": []}], START)
    assert raised.value.exit_status == ExitStatus.INPUT_PROBLEMS


def test_imported_baseline_is_the_state_at_its_instant(store: EventStore) -> None:
    import_baseline(store, read_authorization_details([gaad(), gaad(OTHER)], START), "test")
    assert state_at(store, START.replace(year=2025)).users == {}
    later = state_at(store, START)
    assert len(later.users) == 4 and later.account_ids() == {ACCOUNT, OTHER}


def test_cli_import_several_files_and_a_list_of_pages(tmp_path: Path) -> None:
    (tmp_path / "a.json").write_text(json.dumps(gaad()))
    (tmp_path / "b.json").write_text(json.dumps([gaad(OTHER, raw_api=True)]))
    result = run(
        "--db",
        "t.db",
        "baseline",
        "import",
        "a.json",
        "b.json",
        "--at",
        "2026-11-02",
        "--json",
        cwd=tmp_path,
    )
    assert result.returncode == 0, result.stderr
    summary = json.loads(result.stdout)
    assert summary["accounts"] == sorted([ACCOUNT, OTHER])
    assert summary["counts"]["user"] == 4 and len(summary["baseline_ids"]) == 2
    (tmp_path / "bad.json").write_text("{not json")
    bad = run("--db", "t.db", "baseline", "import", "bad.json", "--at", "2026-11-02", cwd=tmp_path)
    assert bad.returncode == 3 and "bad.json" in bad.stderr
