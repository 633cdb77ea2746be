"""The changed-graph picture reads the details the IAM diff writes."""

from __future__ import annotations

from datetime import UTC, datetime

from auditor.findings import ActorInfo, Change
from reports.graph_svg import changed_graph
from reports.model import ReportData, Window

WHEN = datetime(2026, 11, 12, tzinfo=UTC)
ROLE = "arn:aws:iam::222222222222:role/ops-automation"
USER = "arn:aws:iam::222222222222:user/svc-backup"
ADMIN = "arn:aws:iam::aws:policy/AdministratorAccess"
OUTSIDER = "arn:aws:iam::999988887777:root"


def test_diff_details_become_edges() -> None:
    changes = (
        Change("modified", "role", ROLE, WHEN, ("e1",), ActorInfo(),
               {"principals_gained": [{"principal": OUTSIDER, "kind": "external"}]}),
        Change("added", "user", USER, WHEN, ("e2",), ActorInfo(),
               {"attached": {"added": [ADMIN], "removed": []}}),
    )  # fmt: skip
    data = ReportData("diff", "t", WHEN, Window(None, None), (), changes, ())
    graph = changed_graph(data)
    edges = {(e.source, e.kind, e.target) for e in graph.edges}
    assert (OUTSIDER, "trusts", ROLE) in edges
    assert (USER, "attached", ADMIN) in edges
    assert not any("{" in source for source, _, _ in edges)
