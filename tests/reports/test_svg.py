"""Inline SVG: the severity and trend charts and the changed-graph picture."""

from __future__ import annotations

from dataclasses import replace

from auditor.findings import Change
from reports.charts import severity_chart, trend_charts
from reports.graph_svg import Edge, changed_graph, graph_svg, node_kind, short_name
from reports.model import TrendPoint
from tests.reports.fixtures import (
    ACCOUNT,
    HOSTILE,
    OUTSIDE,
    T0,
    arn,
    rich_report,
    weekly_report,
)
from tests.reports.safety import SVG_TAGS, audit_html


def test_graph_nodes_and_edges_of_the_rich_report() -> None:
    graph = changed_graph(rich_report())
    assert Edge(f"arn:aws:iam::{OUTSIDE}:root", "trusts", arn("role", "deploy")) in graph.edges
    assert Edge(f"arn:aws:iam::{OUTSIDE}:root", "assumed", arn("role", "deploy")) in graph.edges
    assert (
        Edge(arn("user", "backdoor"), "attached", "arn:aws:iam::aws:policy/AdministratorAccess")
        in graph.edges
    )
    assert Edge(arn("group", "ops"), "attached", arn("policy", "ops-extra")) in graph.edges
    assert not any("AKIA" in node for node in graph.nodes)  # access keys are not graph nodes
    assert graph.home_accounts == frozenset({ACCOUNT})
    assert list(graph.edges) == sorted(graph.edges, key=lambda e: (e.source, e.kind, e.target))


def test_graph_svg_is_stable_and_marks_outside_accounts() -> None:
    first = graph_svg(changed_graph(rich_report()))
    second = graph_svg(changed_graph(replace(rich_report(), changes=rich_report().changes[::-1])))
    assert first is not None
    assert first == second
    assert 'stroke="#c92a2a"' in first  # the outside account is outlined in red
    assert "account 999988887777" in first


def test_no_graph_when_nothing_relational_changed() -> None:
    empty = replace(rich_report(), changes=(), findings=(), assumptions=())
    assert graph_svg(changed_graph(empty)) is None
    html_without_graph = replace(empty, assumptions=rich_report().assumptions[1:])
    assert changed_graph(html_without_graph).nodes == ()  # same-account, unchanged role


def test_hostile_names_in_the_graph_are_escaped() -> None:
    hostile_arn = arn("role", "<script>alert(1)</script>")
    change = Change(
        "modified", "role", hostile_arn, T0, ("e",), HOSTILE, {"principals_gained": ["<img>"]}
    )
    svg = graph_svg(changed_graph(replace(rich_report(), changes=(change,), findings=())))
    assert svg is not None
    assert "<script>" not in svg and "<img>" not in svg
    assert audit_html(svg, SVG_TAGS) == []


def test_node_kinds_and_names() -> None:
    assert node_kind("*") == "public"
    assert node_kind(OUTSIDE) == "account"
    assert node_kind(f"arn:aws:iam::{OUTSIDE}:root") == "account"
    assert node_kind("ec2.amazonaws.com") == "service"
    assert node_kind(f"arn:aws:sts::{ACCOUNT}:assumed-role/r/s") == "session"
    assert short_name(arn("role", "x" * 50)) == "x" * 29 + "…"


def test_charts_have_no_script_and_escape_labels() -> None:
    chart = severity_chart({"critical": 2, "high": 0, "medium": 1, "low": 0, "info": 9})
    assert audit_html(chart, SVG_TAGS) == []
    points = (TrendPoint("<b>W1</b>", {"high": 1, "risky_policy_changes": 2}),)
    charts = trend_charts(points, ("high", "risky_policy_changes"))
    assert len(charts) == 2
    for svg in charts:
        assert "&lt;b&gt;W1&lt;/b&gt;" in svg
        assert audit_html(svg, SVG_TAGS) == []
    assert trend_charts((), ("high",)) == ()


def test_weekly_trend_charts_are_deterministic() -> None:
    data = weekly_report()
    keys = ("critical", "high", "medium", "low", "info", "new_admin_principals")
    assert trend_charts(data.trends, keys) == trend_charts(data.trends, keys)
