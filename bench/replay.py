"""IAM replay speed: synthetic events over many entities, in memory and from the store.

Builds a baseline of ``--entities`` users, roles, groups and customer policies, and
``--events`` IAM/STS/sign-in records spread over ``--days`` days, then measures:
  replay (memory)  apply_events on pre-normalized, sorted ``Event`` objects (median of 3);
  replay (store)   state_at(end) read from SQLite with no snapshot (decode + normalize);
  snapshots        one every ``--snapshot-days`` days, saved as the nightly run would;
  state_at         at random instants, from the nearest stored snapshot;
  diff             diff_between two dates ``--diff-days`` apart (1 and 7 by default), from
                   stored snapshots, with the number of changes it reports.
Prints events/s, seconds per query and peak memory (ru_maxrss).

    python bench/replay.py                        # 200,000 events over 50,000 entities
    python bench/replay.py --events 1000000       # the issue's full size
"""

from __future__ import annotations

import argparse
import bisect
import random
import resource
import statistics
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import orjson
from host_speed import host_line

from auditor.events import Event, normalize_record
from auditor.iam.baseline import read_authorization_details
from auditor.iam.history import diff_between, import_baseline, save_snapshot, state_at
from auditor.iam.replay import apply_events, event_order
from auditor.store.event_store import EventRow, EventStore
from auditor.timeutil import format_instant

ACCOUNT = "111122223333"
PREFIX = f"arn:aws:iam::{ACCOUNT}"
START = datetime(2025, 1, 1, tzinfo=UTC)
MANAGED = [f"arn:aws:iam::aws:policy/{n}" for n in ("ReadOnlyAccess", "AdministratorAccess")]
ACTIONS = ["s3:GetObject", "s3:*", "ec2:Describe*", "iam:PassRole", "lambda:*", "sqs:SendMessage"]
WEIGHTS = {
    "AssumeRole": 25,
    "ConsoleLogin": 5,
    "AttachUserPolicy": 6,
    "DetachUserPolicy": 5,
    "AttachRolePolicy": 5,
    "DetachRolePolicy": 4,
    "PutUserPolicy": 5,
    "DeleteUserPolicy": 3,
    "PutRolePolicy": 4,
    "DeleteRolePolicy": 2,
    "UpdateAssumeRolePolicy": 4,
    "AddUserToGroup": 5,
    "RemoveUserFromGroup": 4,
    "CreatePolicyVersion": 3,
    "SetDefaultPolicyVersion": 2,
    "CreateAccessKey": 3,
    "UpdateAccessKey": 2,
    "DeleteAccessKey": 2,
    "TagUser": 3,
    "TagRole": 3,
    "CreateUser": 2,
    "DeleteUser": 1,
    "CreateLoginProfile": 1,
    "DeleteLoginProfile": 1,
}


def _doc(rng: random.Random) -> str:
    actions = rng.sample(ACTIONS, 2)
    statement = {"Effect": "Allow", "Action": actions, "Resource": "*"}
    return orjson.dumps({"Version": "2012-10-17", "Statement": [statement]}).decode()


def _trust(rng: random.Random) -> str:
    who = f"{PREFIX}:user/u{rng.randrange(1000)}"
    statement = {"Effect": "Allow", "Principal": {"AWS": who}, "Action": "sts:AssumeRole"}
    return orjson.dumps({"Version": "2012-10-17", "Statement": [statement]}).decode()


def baseline_page(users: int, roles: int, groups: int, policies: int) -> dict[str, Any]:
    """A GetAccountAuthorizationDetails page (CLI shape) for the synthetic account."""
    rng = random.Random(1)
    trust = orjson.loads(_trust(rng))
    return {
        "UserDetailList": [
            {
                "UserName": f"u{i}",
                "Arn": f"{PREFIX}:user/u{i}",
                "Path": "/",
                "GroupList": [f"g{i % groups}"],
            }
            for i in range(users)
        ],
        "GroupDetailList": [
            {
                "GroupName": f"g{i}",
                "Arn": f"{PREFIX}:group/g{i}",
                "Path": "/",
                "AttachedManagedPolicies": [{"PolicyArn": f"{PREFIX}:policy/p{i % policies}"}],
            }
            for i in range(groups)
        ],
        "RoleDetailList": [
            {
                "RoleName": f"r{i}",
                "Arn": f"{PREFIX}:role/r{i}",
                "Path": "/",
                "AssumeRolePolicyDocument": trust,
            }
            for i in range(roles)
        ],
        "Policies": [
            {
                "PolicyName": f"p{i}",
                "Arn": f"{PREFIX}:policy/p{i}",
                "Path": "/",
                "DefaultVersionId": "v1",
                "PolicyVersionList": [{"VersionId": "v1", "Document": orjson.loads(_doc(rng))}],
            }
            for i in range(policies)
        ],
    }


def _request(
    name: str, rng: random.Random, sizes: tuple[int, int, int, int]
) -> tuple[dict[str, Any] | None, dict[str, Any] | None, str]:
    users, roles, groups, policies = sizes
    user, role = f"u{rng.randrange(users)}", f"r{rng.randrange(roles)}"
    policy_arn = f"{PREFIX}:policy/p{rng.randrange(policies)}"
    managed = rng.choice([*MANAGED, policy_arn])
    source = "iam.amazonaws.com"
    table: dict[str, Any] = {
        "AttachUserPolicy": {"userName": user, "policyArn": managed},
        "DetachUserPolicy": {"userName": user, "policyArn": managed},
        "AttachRolePolicy": {"roleName": role, "policyArn": managed},
        "DetachRolePolicy": {"roleName": role, "policyArn": managed},
        "PutUserPolicy": {
            "userName": user,
            "policyName": f"i{rng.randrange(3)}",
            "policyDocument": _doc(rng),
        },
        "DeleteUserPolicy": {"userName": user, "policyName": f"i{rng.randrange(3)}"},
        "PutRolePolicy": {
            "roleName": role,
            "policyName": f"i{rng.randrange(3)}",
            "policyDocument": _doc(rng),
        },
        "DeleteRolePolicy": {"roleName": role, "policyName": f"i{rng.randrange(3)}"},
        "UpdateAssumeRolePolicy": {"roleName": role, "policyDocument": _trust(rng)},
        "AddUserToGroup": {"userName": user, "groupName": f"g{rng.randrange(groups)}"},
        "RemoveUserFromGroup": {"userName": user, "groupName": f"g{rng.randrange(groups)}"},
        "CreatePolicyVersion": {
            "policyArn": policy_arn,
            "policyDocument": _doc(rng),
            "setAsDefault": rng.random() < 0.5,
        },
        "SetDefaultPolicyVersion": {"policyArn": policy_arn, "versionId": "v1"},
        "CreateAccessKey": {"userName": user},
        "UpdateAccessKey": {
            "userName": user,
            "accessKeyId": f"AKIA{rng.randrange(20000):08d}",
            "status": "Inactive",
        },
        "DeleteAccessKey": {"userName": user, "accessKeyId": f"AKIA{rng.randrange(20000):08d}"},
        "TagUser": {"userName": user, "tags": [{"key": "k", "value": str(rng.randrange(9))}]},
        "TagRole": {"roleName": role, "tags": [{"key": "k", "value": str(rng.randrange(9))}]},
        "CreateUser": {"userName": f"n{rng.randrange(10**9)}"},
        "DeleteUser": {"userName": user},
        "CreateLoginProfile": {"userName": user},
        "DeleteLoginProfile": {"userName": user},
        "AssumeRole": {"roleArn": f"{PREFIX}:role/{role}", "roleSessionName": "s"},
        "ConsoleLogin": None,
    }
    response: dict[str, Any] | None = None
    if name == "CreateAccessKey":
        response = {
            "accessKey": {
                "accessKeyId": f"AKIA{rng.randrange(20000):08d}",
                "userName": user,
                "status": "Active",
            }
        }
    if name == "AssumeRole":
        source = "sts.amazonaws.com"
    if name == "ConsoleLogin":
        source, response = "signin.amazonaws.com", {"ConsoleLogin": "Success"}
    return table[name], response, source


# undo events take their parameters from an earlier matching "do" event when one is pending
UNDO = {
    "DetachUserPolicy": "AttachUserPolicy",
    "DetachRolePolicy": "AttachRolePolicy",
    "DeleteUserPolicy": "PutUserPolicy",
    "DeleteRolePolicy": "PutRolePolicy",
    "RemoveUserFromGroup": "AddUserToGroup",
    "DeleteAccessKey": "CreateAccessKey",
    "DeleteLoginProfile": "CreateLoginProfile",
    "DeleteUser": "CreateUser",
}
_UNDO_KEYS = ("userName", "roleName", "groupName", "policyArn", "policyName")


def _undo(name: str, request: dict[str, Any], response: dict[str, Any] | None) -> dict[str, Any]:
    undo = {key: request[key] for key in _UNDO_KEYS if key in request}
    if name == "DeleteAccessKey" and response:
        undo["accessKeyId"] = response["accessKey"]["accessKeyId"]
    return undo


def synthetic_records(
    count: int, days: int, sizes: tuple[int, int, int, int], seed: int = 7
) -> list[dict[str, Any]]:
    """``count`` CloudTrail records spread evenly over ``days`` days after ``START``.

    Undo events (detach, delete, remove) mostly undo an earlier event, as in real trails.
    """
    rng = random.Random(seed)
    names = rng.choices(list(WEIGHTS), weights=list(WEIGHTS.values()), k=count)
    span = days * 86_400_000_000
    instants = sorted(rng.randrange(span) for _ in range(count))
    pending: dict[str, list[dict[str, Any]]] = {}
    out = []
    for index, name in enumerate(names):
        request, response, source = _request(name, rng, sizes)
        failed = rng.random() < 0.03
        if name in UNDO and pending.get(UNDO[name]):
            bucket = pending[UNDO[name]]
            request = bucket.pop(rng.randrange(len(bucket)))
        elif not failed and name in UNDO.values() and request is not None:
            pending.setdefault(name, []).append(_undo(name, request, response))
        caller = f"u{rng.randrange(sizes[0])}"
        record: dict[str, Any] = {
            "eventVersion": "1.09",
            "userIdentity": {
                "type": "IAMUser",
                "arn": f"{PREFIX}:user/{caller}",
                "accountId": ACCOUNT,
                "userName": caller,
            },
            "eventTime": format_instant(START + timedelta(microseconds=instants[index])),
            "eventSource": source,
            "eventName": name,
            "awsRegion": "us-east-1",
            "sourceIPAddress": "198.51.100.7",
            "requestParameters": request,
            "responseElements": response,
            "eventID": f"{index:010d}",
            "recipientAccountId": ACCOUNT,
        }
        if failed:
            record["errorCode"] = "AccessDenied"
        out.append(record)
    return out


def peak_mb() -> float:
    """Peak resident memory of this process so far, in MB."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _store_rows(store: EventStore, records: list[dict[str, Any]], events: dict[str, Event]) -> None:
    rows = [EventRow.from_event(events[record["eventID"]]) for record in records]
    with store.transaction():
        store.insert_events(rows)


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--events", type=int, default=200_000)
    parser.add_argument("--entities", type=int, default=50_000)
    parser.add_argument("--days", type=int, default=365)
    parser.add_argument("--snapshot-days", type=int, default=1)
    parser.add_argument("--diff-days", type=int, nargs="+", default=[1, 7])
    parser.add_argument("--queries", type=int, default=5)
    args = parser.parse_args()
    if max(args.diff_days) >= args.days:
        parser.error(f"--diff-days must be shorter than --days ({args.days})")
    n = args.entities
    sizes = (n * 6 // 10, n * 2 // 10, n // 20, n * 15 // 100)
    rng = random.Random(3)
    print(host_line("start"))

    started = time.perf_counter()
    baseline = read_authorization_details([baseline_page(*sizes)], START)
    records = synthetic_records(args.events, args.days, sizes)
    built = time.perf_counter()
    normalized = [normalize_record(r) for r in records]
    events = sorted((e for e in normalized if isinstance(e, Event)), key=event_order)
    normalize_s = time.perf_counter() - built
    print(
        f"setup: {baseline.state.size():,} entities, {len(events):,} events over {args.days} days "
        f"(generate {built - started:.1f} s, normalize {normalize_s:.1f} s"
        f" = {len(events) / normalize_s:,.0f} events/s)"
    )

    runs = []
    for _ in range(3):
        tic = time.perf_counter()
        final = apply_events(baseline.state.copy(), events)
        runs.append(time.perf_counter() - tic)
    replay_s = statistics.median(runs)
    print(
        f"replay (memory): {len(events) / replay_s:,.0f} events/s, median of 3"
        f" ({len(events) / max(runs):,.0f}-{len(events) / min(runs):,.0f}; {replay_s:.2f} s;"
        f" {final.size():,} entities after, {len(final.anomalies):,} anomalies)"
    )

    with tempfile.TemporaryDirectory() as folder:
        store = EventStore.open(Path(folder) / "bench.db")
        import_baseline(store, baseline, "bench")
        _store_rows(store, records, {e.event_id: e for e in events})
        end = START + timedelta(days=args.days)
        tic = time.perf_counter()
        from_store = state_at(store, end)
        store_s = time.perf_counter() - tic
        print(
            f"replay (store, no snapshot): {len(events) / store_s:,.0f} events/s ({store_s:.2f} s)"
        )
        assert from_store.size() == final.size()

        tic = time.perf_counter()
        running = baseline.state.copy()
        through = store.max_arrival()
        instants = [e.time for e in events]
        position, saved = 0, 0
        for day in range(args.snapshot_days, args.days + 1, args.snapshot_days):
            moment = START + timedelta(days=day)
            upto = bisect.bisect_right(instants, moment)
            apply_events(running, events[position:upto], moment)
            position = upto
            running.at, running.through_arrival = moment, through
            save_snapshot(store, running, moment)
            saved += 1
        snap_s = time.perf_counter() - tic
        print(f"snapshots: {saved} saved in {snap_s:.1f} s ({snap_s / max(saved, 1):.3f} s each)")

        times = []
        for _ in range(args.queries):
            moment = START + timedelta(seconds=rng.randrange(args.days * 86_400))
            tic = time.perf_counter()
            state_at(store, moment)
            times.append(time.perf_counter() - tic)
        print(
            f"state_at (random instant, from snapshots): median {statistics.median(times):.3f} s,"
            f" max {max(times):.3f} s"
        )

        for diff_days in args.diff_days:
            times, counts = [], []
            for _ in range(args.queries):
                span = (args.days - diff_days) * 86_400
                first = START + timedelta(seconds=rng.randrange(span))
                tic = time.perf_counter()
                changes = diff_between(store, first, first + timedelta(days=diff_days))
                times.append(time.perf_counter() - tic)
                counts.append(len(changes))
            print(
                f"diff ({diff_days} days, from snapshots):"
                f" median {statistics.median(times):.3f} s, "
                f"max {max(times):.3f} s, median {statistics.median(counts):,.0f} changes"
            )
        store.close()
    print(f"peak memory: {peak_mb():,.0f} MB")
    print(host_line("end"))


if __name__ == "__main__":
    main()
