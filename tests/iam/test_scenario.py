"""A baseline, a week of events, and the state known at several instants."""

from __future__ import annotations

import zlib
from datetime import timedelta

import pytest

from auditor.iam.baseline import read_authorization_details
from auditor.iam.history import import_baseline, save_snapshot, state_at
from auditor.iam.serialize import state_to_bytes, state_to_json
from auditor.store.event_store import EventStore
from auditor.store.snapshots import SnapshotStore
from tests.iam.builders import EXTERNAL, START, gaad, record, store_records
from tests.iam.week import ADMIN, ALICE, CAROL, DEPLOY, DEPLOYER, TEMP, day, week


@pytest.fixture
def loaded(store: EventStore) -> EventStore:
    import_baseline(store, read_authorization_details([gaad()], START), "test")
    store_records(store, week())
    return store


def test_states_at_several_instants(loaded: EventStore) -> None:
    at_start = state_at(loaded, START)
    assert CAROL not in at_start.users and at_start.policies[DEPLOY].default_version == "v2"

    day1 = state_at(loaded, START + day(1, 11))
    carol = day1.users[CAROL]
    assert ADMIN in carol.attached and carol.origin == "event" and carol.origin_event == "c1"
    assert day1.groups[f"{DEPLOY.split(':policy')[0]}:group/devs"].members >= {CAROL}

    day2 = state_at(loaded, START + day(2, 10))
    assert day2.policies[DEPLOY].default_version == "v3"

    day3 = state_at(loaded, START + day(3, 13))
    deploy = day3.policies[DEPLOY]
    assert deploy.default_version == "v1" and set(deploy.versions) == {"v1", "v2", "v3"}
    trust = day3.roles[DEPLOYER].trust
    assert trust is not None and f"arn:aws:iam::{EXTERNAL}:root" in str(trust.data)

    day4 = state_at(loaded, START + day(4, 9, 30))
    assert TEMP in day4.users
    end = state_at(loaded, START + day(7))
    assert TEMP not in end.users and DEPLOYER in end.roles  # the denied DeleteRole changed nothing
    assert end.users[ALICE].inline == {} and ADMIN not in end.users[ALICE].attached
    assert ADMIN not in end.users[CAROL].attached
    assumed = end.assumptions[(ALICE, DEPLOYER)]
    assert assumed.times == 2 and assumed.first < assumed.last
    assert end.sign_ins[ALICE].successes == 1 and end.anomalies == []


def test_state_at_an_event_instant_includes_that_event(loaded: EventStore) -> None:
    assert ADMIN in state_at(loaded, START + day(1, 10)).users[CAROL].attached
    assert CAROL not in state_at(loaded, START + day(1) - timedelta(microseconds=1)).users


def test_snapshots_give_the_same_state_and_late_events_invalidate_them(loaded: EventStore) -> None:
    mid = START + day(3, 13)
    save_snapshot(loaded, state_at(loaded, mid), mid)
    snapshots = SnapshotStore(loaded.connection)
    assert len(snapshots.snapshots()) == 1
    end = START + day(7)
    fresh = state_to_json(state_at(loaded, end))
    # the replay from the snapshot matches the replay from the baseline
    ids = [row.id for row in snapshots.latest_baselines(end)]
    assert snapshots.usable_snapshot(end, ids, None) is not None
    assert fresh == state_to_json(state_at(loaded, end)) | {"at": fresh["at"]}
    # a late event from before the snapshot's instant makes it unusable
    store_records(loaded, [record("CreateUser", day(2, 5), {"userName": "late"})])
    assert snapshots.usable_snapshot(end, ids, None) is None
    assert f"{CAROL.rsplit('/', 1)[0]}/late" in state_at(loaded, end).users


def test_declared_state_alone_skips_activity_and_matches_the_full_state(
    loaded: EventStore,
) -> None:
    mid, end = START + day(3, 13), START + day(7)
    save_snapshot(loaded, state_at(loaded, mid), mid)
    snapshots = SnapshotStore(loaded.connection)
    stored = snapshots.snapshots()[0]
    full = state_at(loaded, end)
    declared = state_at(loaded, end, activity=False)
    assert full.assumptions and full.sign_ins
    assert declared.assumptions == {} and declared.sign_ins == {}
    assert state_to_json(declared)["entities"] == state_to_json(full)["entities"]
    assert snapshots.load_snapshot(stored.id, activity=False).assumptions == {}
    assert snapshots.load_snapshot(stored.id).assumptions == state_at(loaded, mid).assumptions


def test_a_snapshot_stored_whole_before_the_activity_column_still_loads(
    loaded: EventStore,
) -> None:
    mid = START + day(3, 13)
    state = state_at(loaded, mid)
    snapshot_id = save_snapshot(loaded, state, mid)
    whole = zlib.compress(state_to_bytes(state))
    loaded.connection.execute(
        "UPDATE iam_snapshots SET body = ?, activity = NULL WHERE id = ?", (whole, snapshot_id)
    )
    snapshots = SnapshotStore(loaded.connection)
    for activity in (True, False):
        again = snapshots.load_snapshot(snapshot_id, activity=activity)
        assert state_to_bytes(again) == state_to_bytes(state)
