"""Changes between two instants: kinds, attribution, transient changes, actions and principals."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import orjson
import pytest

from auditor.findings import Change
from auditor.iam.baseline import read_authorization_details
from auditor.iam.diff import compute_changes
from auditor.iam.diff_details import DiffContext
from auditor.iam.history import diff_between, import_baseline, state_at
from auditor.iam.permissions import identity_documents
from auditor.iam.replay import replay
from auditor.policy.actions import allowed_actions, load_action_catalog
from auditor.store.event_store import EventStore
from tests.cli import run
from tests.iam.builders import (
    ACCOUNT,
    EXTERNAL,
    START,
    doc,
    event,
    gaad,
    policy,
    store_records,
)
from tests.iam.week import ALICE, CAROL, DEPLOY, DEPLOYER, TEMP, day, week
from tests.policy.test_action_bits import compact_names


@pytest.fixture
def changes(store: EventStore) -> list[Change]:
    import_baseline(store, read_authorization_details([gaad()], START), "test")
    store_records(store, week())
    return diff_between(store, START, START + day(7))


def find(changes: list[Change], entity: str, arn: str, kind: str | None = None) -> list[Change]:
    return [c for c in changes if c.entity == entity and c.arn == arn and kind in (None, c.kind)]


def test_created_then_deleted_user_shows_as_transient(changes: list[Change]) -> None:
    added, removed = find(changes, "user", TEMP, "added"), find(changes, "user", TEMP, "removed")
    assert len(added) == 1 and len(removed) == 1
    assert added[0].details["transient"] and removed[0].details["transient"]
    assert added[0].event_ids == ("t1",) and removed[0].event_ids == ("t1", "t2")


def test_policy_default_version_change_lists_actions_gained_and_lost(changes: list[Change]) -> None:
    [policy] = find(changes, "policy", DEPLOY, "modified")
    details = policy.details
    assert details["default_version"] == {"before": "v2", "after": "v1"}
    assert details["actions_gained"] == ["lambda:GetFunction"]
    assert details["actions_lost"] == ["lambda:UpdateFunctionCode"]
    assert details["document"]["before"]["Statement"][0]["Action"] == ["lambda:UpdateFunctionCode"]
    assert details["attached_to"] == [f"arn:aws:iam::{ACCOUNT}:group/devs"]
    assert [c.details["version_id"] for c in find(changes, "policy_version", DEPLOY)] == ["v3"]


def test_version_created_without_a_version_id_in_the_response_is_attributed() -> None:
    # responseElements can be absent (or omitted): replay numbers the version itself
    request = {"policyArn": DEPLOY, "policyDocument": doc(policy("s3:*")), "setAsDefault": False}
    created = event("CreatePolicyVersion", day(1), request)
    other = event("CreatePolicyVersion", day(2), request)
    before = read_authorization_details([gaad()], START).state
    after = replay(before, [created, other])
    added = [c for c in compute_changes(before, after, [created, other]) if c.kind == "added"]
    assert [(c.details["version_id"], c.event_ids) for c in added] == [
        ("v3", (created.event_id,)),
        ("v4", (other.event_id,)),
    ]
    assert not any(c.details.get("unattributed") for c in added)


def test_trust_change_lists_principals_with_their_kind(changes: list[Change]) -> None:
    [role] = find(changes, "role", DEPLOYER, "modified")
    gained = role.details["principals_gained"]
    assert [(p["principal"], p["kind"]) for p in gained] == [
        (f"arn:aws:iam::{EXTERNAL}:root", "external")
    ]
    assert role.details["principals_lost"] == []
    assert role.details["trust_policy"]["before"] is not None
    assert role.event_ids == ("backdoor",) and role.actor.arn and role.actor.arn.endswith("admin")


def test_inline_deletion_loses_actions_and_undone_attachment_is_transient(
    changes: list[Change],
) -> None:
    [alice] = find(changes, "user", ALICE, "modified")
    assert alice.details["inline"]["s3-read"]["after"] is None
    # effective actions: the inline policy, and the group's policy default version change
    assert alice.details["actions_lost"] == ["lambda:UpdateFunctionCode", "s3:GetObject"]
    assert alice.details["actions_gained"] == ["lambda:GetFunction"]
    assert len(alice.event_ids) == 3  # delete inline, attach admin, detach admin
    [carol] = find(changes, "user", CAROL, "added")
    assert carol.details["groups"]["added"] == [f"arn:aws:iam::{ACCOUNT}:group/devs"]
    assert "lambda:GetFunction" in carol.details["actions_gained"]


def test_failed_events_change_nothing_and_are_not_attributed(changes: list[Change]) -> None:
    assert not find(changes, "role", DEPLOYER, "removed")
    assert all(c.details.get("unattributed") is None for c in changes)


def test_change_made_and_undone_on_an_existing_entity_is_reported() -> None:
    attach = event(
        "AttachUserPolicy",
        day(1),
        {"userName": "bob", "policyArn": "arn:aws:iam::aws:policy/AdministratorAccess"},
    )
    detach = event(
        "DetachUserPolicy",
        day(2),
        {"userName": "bob", "policyArn": "arn:aws:iam::aws:policy/AdministratorAccess"},
    )
    before = read_authorization_details([gaad()], START).state
    after = replay(before, [detach, attach])
    bob = f"arn:aws:iam::{ACCOUNT}:user/ops/bob"
    assert after.users[bob] == before.users[bob]
    [change] = compute_changes(before, after, [attach, detach])
    assert change.kind == "modified" and change.details["transient"] is True
    assert change.event_ids == (attach.event_id, detach.event_id)


def test_cli_diff_json_and_out_dir(store: EventStore, tmp_path: Path) -> None:
    import_baseline(store, read_authorization_details([gaad()], START), "test")
    store_records(store, week())
    store.close()
    db = str(tmp_path / "store.db")
    result = run(
        "--db",
        db,
        "diff",
        "--from",
        "2026-11-02",
        "--to",
        "2026-11-09",
        "--json",
        "--out",
        "out",
        cwd=tmp_path,
    )
    assert result.returncode == 0, result.stderr
    document: dict[str, Any] = orjson.loads(result.stdout)
    assert document["window"] == {"since": "2026-11-02T00:00:00Z", "until": "2026-11-09T00:00:00Z"}
    assert {c["entity"] for c in document["changes"]} >= {
        "user",
        "policy",
        "role",
        "policy_version",
    }
    report = orjson.loads((tmp_path / "out" / "report.json").read_bytes())
    assert report["kind"] == "diff" and report["changes"] == document["changes"]
    assert (tmp_path / "out" / "report.md").exists() and (tmp_path / "out" / "report.html").exists()
    table = run("--db", db, "diff", "--from", "2026-11-02", "--to", "2026-11-09", cwd=tmp_path)
    assert table.returncode == 0 and "transient" in table.stdout


def test_trusted_vendors_come_from_the_bundled_table_as_in_the_rules() -> None:
    from auditor.iam.documents import Document
    from auditor.iam.model import evolve
    from tests.iam.builders import trust

    before = read_authorization_details([gaad()], START).state
    after = before.copy()
    datadog = "arn:aws:iam::464622532012:root"  # a vendor in the shipped known-accounts table
    role = after.roles[DEPLOYER]
    after.roles[DEPLOYER] = evolve(role, trust=Document.read(trust(datadog)))
    [change] = [c for c in compute_changes(before, after, []) if c.entity == "role"]
    gained = {p["principal"]: p["kind"] for p in change.details["principals_gained"]}
    assert gained == {datadog: "vendor"}


def test_principal_action_bits_equal_the_allowed_action_names(store: EventStore) -> None:
    import_baseline(store, read_authorization_details([gaad()], START), "test")
    store_records(store, week())
    catalog = load_action_catalog()
    before, after = state_at(store, START), state_at(store, START + day(7))
    context = DiffContext(before, after, catalog)
    checked = 0
    for state in (before, after, before):  # the third pass reads what was remembered
        for arn in [*state.users, *state.groups, *state.roles]:
            names = allowed_actions(identity_documents(state, arn)[0], catalog)
            bits = context.principal_actions(state, arn)
            assert bits.size == len(names), arn
            assert context.actions.compact(bits) == compact_names(names, catalog), arn
            checked += 1
    assert checked > 10
