"""The graph, its export formats, who can assume a role and paths to admin."""

from __future__ import annotations

import json
import xml.etree.ElementTree as ElementTree
from pathlib import Path

import networkx as nx

from auditor.iam.baseline import read_authorization_details
from auditor.iam.graph import build_graph, render_graph
from auditor.iam.history import import_baseline
from auditor.iam.permissions import effective_actions
from auditor.iam.reach import paths_to_admin, who_can_assume
from auditor.iam.replay import replay
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
    trust,
)
from tests.iam.week import ALICE, DEPLOYER, day, week

HOP = f"arn:aws:iam::{ACCOUNT}:role/hop"
BOB = f"arn:aws:iam::{ACCOUNT}:user/ops/bob"


def chained_state():
    """alice → deployer (admin) by trust; bob → hop by account trust + policy; hop → deployer."""
    base = read_authorization_details([gaad()], START).state
    return replay(
        base,
        [
            event(
                "CreateRole",
                day(1),
                {"roleName": "hop", "assumeRolePolicyDocument": doc(trust(ACCOUNT))},
            ),
            event(
                "PutUserPolicy",
                day(1, 10),
                {
                    "userName": "bob",
                    "policyName": "hop",
                    "policyDocument": doc(policy("sts:AssumeRole", resource=HOP)),
                },
            ),
            event(
                "UpdateAssumeRolePolicy",
                day(2),
                {
                    "roleName": "deployer",
                    "policyDocument": doc(trust(ALICE, HOP, f"arn:aws:iam::{EXTERNAL}:root")),
                },
            ),
            event(
                "PutRolePolicy",
                day(2, 10),
                {
                    "roleName": "hop",
                    "policyName": "up",
                    "policyDocument": doc(policy("sts:AssumeRole")),
                },
            ),
        ],
    )


def test_effective_actions_include_groups_and_show_the_boundary() -> None:
    state = read_authorization_details([gaad()], START).state
    alice = effective_actions(state, ALICE)
    assert {"s3:GetObject", "lambda:UpdateFunctionCode"} <= alice.identity
    assert alice.boundary is None and alice.effective == alice.identity
    bounded = replay(
        state,
        [
            event(
                "PutUserPermissionsBoundary",
                day(1),
                {
                    "userName": "alice",
                    "permissionsBoundary": f"arn:aws:iam::{ACCOUNT}:policy/deploy",
                },
            )
        ],
    )
    shown = effective_actions(bounded, ALICE)
    assert shown.boundary_arn and shown.effective == {"lambda:UpdateFunctionCode"}


def test_who_can_assume_directly_and_through_chains() -> None:
    paths = {p.principal: p.chain for p in who_can_assume(chained_state(), DEPLOYER)}
    assert paths[ALICE] == (ALICE, DEPLOYER)
    assert paths[HOP] == (HOP, DEPLOYER)
    assert paths[f"arn:aws:iam::{EXTERNAL}:root"] == (f"arn:aws:iam::{EXTERNAL}:root", DEPLOYER)
    assert paths[BOB] == (BOB, HOP, DEPLOYER)  # account trust + bob's own permission
    into_hop = {p.principal: p.chain for p in who_can_assume(chained_state(), HOP)}
    assert into_hop[DEPLOYER] == (DEPLOYER, HOP)  # admin may call sts:AssumeRole on anything
    assert into_hop[ALICE] == (ALICE, DEPLOYER, HOP)


def test_paths_to_admin() -> None:
    paths = {p.principal: p.chain for p in paths_to_admin(chained_state())}
    assert paths[DEPLOYER] == (DEPLOYER,)  # AdministratorAccess attached
    assert paths[BOB] == (BOB, HOP, DEPLOYER)
    assert paths[ALICE] == (ALICE, DEPLOYER)


def test_graph_edges_and_every_format_parses() -> None:
    state = replay(
        chained_state(),
        [event("AssumeRole", day(3), {"roleArn": DEPLOYER}, source="sts.amazonaws.com")],
    )
    graph = build_graph(state)
    kinds = {data["kind"] for _, _, data in graph.edges(data=True)}
    assert kinds >= {"member_of", "attached", "inline", "trusts", "assumed"}
    assert graph.nodes[f"arn:aws:iam::{EXTERNAL}:root"]["type"] == "account"
    parsed = nx.node_link_graph(json.loads(render_graph(state, "json")), edges="edges")
    assert parsed.number_of_edges() == graph.number_of_edges()
    ElementTree.fromstring(render_graph(state, "graphml"))
    assert (
        nx.read_graphml(_write(render_graph(state, "graphml"))).number_of_nodes()
        == graph.number_of_nodes()
    )
    dot = render_graph(state, "dot")
    assert dot.startswith("digraph iam {") and dot.count(" -> ") == graph.number_of_edges()


def _write(text: str) -> Path:
    import tempfile

    path = Path(tempfile.mkdtemp()) / "g.graphml"
    path.write_text(text)
    return path


def test_cli_graph(store: EventStore, tmp_path: Path) -> None:
    import_baseline(store, read_authorization_details([gaad()], START), "test")
    store_records(store, week())
    store.close()
    db = str(tmp_path / "store.db")
    result = run("--db", db, "graph", "--at", "2026-11-09", "--format", "json", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    data = json.loads(result.stdout)
    assert any(e["kind"] == "assumed" and e["count"] == 2 for e in data["edges"])
    dot = run("--db", db, "graph", "--at", "2026-11-09", "--format", "dot", cwd=tmp_path)
    assert dot.returncode == 0 and "digraph" in dot.stdout
