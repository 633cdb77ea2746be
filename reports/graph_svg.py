"""The part of the IAM graph that changed, as a static SVG with a deterministic layout.

Nodes are the changed principals and policies and the outside accounts they touch; edges
are ``attached``/``detached`` (principal to policy), ``trusts`` (a principal that a role's
trust policy now admits, to that role) and ``assumed`` (caller to role). Three columns:
outside and callers, principals, policies; each sorted by kind and name.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

from markupsafe import Markup

from reports.charts import FONT, num, svg_text
from reports.documents import string_list
from reports.model import ReportData

MAX_PER_COLUMN = 60
MAX_EDGES = 300
TRUST_CATEGORIES = frozenset(
    {"external-trust", "public-trust", "federated-trust-unconstrained", "trust-policy-changed"}
)
COLUMNS = ("Outside and callers", "Principals", "Policies")
KIND_COLUMN = {"user": 1, "group": 1, "role": 1, "policy": 2}
KIND_FILL = {
    "user": "#e7f0fb",
    "group": "#e9f5ea",
    "role": "#fff3dc",
    "policy": "#f1ebfb",
}
EDGE_STYLE = {
    "attached": ("#5c6670", ""),
    "detached": ("#9aa3ab", ' stroke-dasharray="4 3"'),
    "trusts": ("#d9480f", ' stroke-dasharray="6 3"'),
    "assumed": ("#8b1a1a", ""),
}
EDGE_OFFSET = {"attached": 0.0, "detached": 3.0, "trusts": -4.0, "assumed": 4.0}
_ACCOUNT = re.compile(r"^\d{12}$")
NODE_W, NODE_H, GAP, COL_GAP, MARGIN, TOP = 230.0, 26.0, 10.0, 70.0, 56.0, 44.0


@dataclass(frozen=True)
class Edge:
    """A relationship drawn between two nodes (ARNs or principal strings)."""

    source: str
    kind: str
    target: str


@dataclass(frozen=True)
class ChangedGraph:
    """The nodes and edges of the changed part of the graph, sorted."""

    nodes: tuple[str, ...]
    changed: frozenset[str]
    home_accounts: frozenset[str]
    edges: tuple[Edge, ...]


def node_kind(arn: str) -> str:
    """``user``, ``group``, ``role``, ``policy``, ``session``, ``account``, ``public``, ..."""
    if arn == "*":
        return "public"
    if _ACCOUNT.match(arn) or arn.endswith(":root"):
        return "account"
    for marker, kind in (
        (":assumed-role/", "session"),
        (":user/", "user"),
        (":group/", "group"),
        (":role/", "role"),
        (":policy/", "policy"),
        (":saml-provider/", "provider"),
        (":oidc-provider/", "provider"),
    ):
        if marker in arn:
            return kind
    return "service" if arn.endswith(".amazonaws.com") else "other"


def account_of(arn: str) -> str:
    """The account id in an ARN or a bare account id, else ``""``."""
    if _ACCOUNT.match(arn):
        return arn
    parts = arn.split(":")
    return parts[4] if len(parts) > 5 and parts[0] == "arn" else ""


def short_name(arn: str, limit: int = 30) -> str:
    """The readable tail of an ARN, cut to ``limit`` characters."""
    name = arn.rsplit("/", 1)[-1] if "/" in arn else arn.rsplit(":", 1)[-1] or arn
    if node_kind(arn) == "account":
        name = f"account {account_of(arn)}"
    return name if len(name) <= limit else name[: limit - 1] + "…"


def principal_names(value: object) -> list[str]:
    """Trusted principals as names: plain strings, or the ``principal`` of diff entries."""
    if isinstance(value, list):
        names = [v.get("principal") if isinstance(v, dict) else v for v in value]
        return string_list([n for n in names if isinstance(n, str)])
    return string_list(value)


def changed_graph(data: ReportData) -> ChangedGraph:
    """Collect the nodes and edges of the changed part of the graph from ``data``."""
    changed: set[str] = set()
    edges: set[Edge] = set()
    for change in data.changes:
        if change.entity in KIND_COLUMN:
            changed.add(change.arn)
        details = change.details
        attached = details.get("attached")
        moved = attached if isinstance(attached, dict) else {}
        for policy in string_list(details.get("policies_attached")) + string_list(
            moved.get("added")
        ):
            edges.add(Edge(change.arn, "attached", policy))
        for policy in string_list(details.get("policies_detached")) + string_list(
            moved.get("removed")
        ):
            edges.add(Edge(change.arn, "detached", policy))
        for holder in string_list(details.get("attached_to")):
            edges.add(Edge(holder, "attached", change.arn))
        for holder in string_list(details.get("detached_from")):
            edges.add(Edge(holder, "detached", change.arn))
        if change.entity == "role":
            for principal in principal_names(details.get("principals_gained")):
                edges.add(Edge(principal, "trusts", change.arn))
    for finding in data.findings:
        if finding.category in TRUST_CATEGORIES and node_kind(finding.resource) == "role":
            for principal in string_list(finding.details.get("principals_gained")):
                changed.add(finding.resource)
                edges.add(Edge(principal, "trusts", finding.resource))
    for assumption in data.assumptions:
        if assumption.cross_account or assumption.role_arn in changed:
            edges.add(Edge(assumption.caller, "assumed", assumption.role_arn))
    nodes = set(changed) | {edge.source for edge in edges} | {edge.target for edge in edges}
    home = {account_of(arn) for arn in changed if node_kind(arn) != "account"} - {""}
    return ChangedGraph(
        tuple(sorted(nodes)),
        frozenset(changed),
        frozenset(home),
        tuple(sorted(edges, key=lambda edge: (edge.source, edge.kind, edge.target))),
    )


def _columns(graph: ChangedGraph) -> tuple[list[list[str]], int]:
    columns: list[list[str]] = [[], [], []]
    for arn in graph.nodes:
        columns[KIND_COLUMN.get(node_kind(arn), 0)].append(arn)
    hidden = 0
    for index, column in enumerate(columns):
        column.sort(key=lambda arn: (node_kind(arn), short_name(arn), arn))
        hidden += max(0, len(column) - MAX_PER_COLUMN)
        columns[index] = column[:MAX_PER_COLUMN]
    return columns, hidden


def _node(arn: str, x: float, y: float, graph: ChangedGraph) -> str:
    kind = node_kind(arn)
    outside = kind in ("account", "session", "role", "user") and (
        account_of(arn) not in graph.home_accounts
    )
    outside = outside or kind in ("public", "provider")
    fill = "#fde8e8" if outside else KIND_FILL.get(kind, "#f1f3f5")
    stroke = "#c92a2a" if outside else "#495057"
    width = "2.0" if arn in graph.changed else "1.0"
    label = f"{kind} · {short_name(arn)}"
    return (
        f'<g><title>{svg_text(arn)}</title><rect x="{num(x)}" y="{num(y)}" width="{num(NODE_W)}" '
        f'height="{num(NODE_H)}" rx="4.0" fill="{fill}" stroke="{stroke}" stroke-width="{width}"/>'
        f'<text x="{num(x + 8)}" y="{num(y + 17)}" fill="#212529">{svg_text(label)}</text></g>'
    )


def _edge(start: tuple[float, float, int], end: tuple[float, float, int], kind: str) -> str:
    (x1, y1, c1), (x2, y2, c2) = start, end
    y1, y2 = y1 + EDGE_OFFSET.get(kind, 0.0), y2 + EDGE_OFFSET.get(kind, 0.0)
    color, dash = EDGE_STYLE.get(kind, ("#5c6670", ""))
    if c1 == c2:
        sx, ex, bend = x1, x2, x1 - 40
        path = (
            f"M{num(sx)},{num(y1)} C{num(bend)},{num(y1)} {num(bend)},{num(y2)} {num(ex)},{num(y2)}"
        )
    else:
        sx, ex = (x1 + NODE_W, x2) if c1 < c2 else (x1, x2 + NODE_W)
        mid = (sx + ex) / 2
        path = (
            f"M{num(sx)},{num(y1)} C{num(mid)},{num(y1)} {num(mid)},{num(y2)} {num(ex)},{num(y2)}"
        )
    return (
        f'<path d="{path}" fill="none" stroke="{color}" stroke-width="1.5"{dash} '
        f'marker-end="url(#ta-arrow-{kind})"><title>{svg_text(kind)}</title></path>'
    )


def _defs(kinds: Iterable[str]) -> str:
    markers = "".join(
        f'<marker id="ta-arrow-{kind}" viewBox="0 0 10 10" refX="10" refY="5" markerWidth="7" '
        f'markerHeight="7" orient="auto"><path d="M0,0 L10,5 L0,10 z" '
        f'fill="{EDGE_STYLE[kind][0]}"/></marker>'
        for kind in kinds
    )
    return f"<defs>{markers}</defs>"


LEGEND = {
    "attached": "attached (principal → policy)",
    "detached": "detached",
    "trusts": "trusted to assume (principal → role)",
    "assumed": "assumed (caller → role)",
}


def _legend(kinds: set[str], y: float) -> list[str]:
    body, x = [], MARGIN
    for kind in EDGE_STYLE:
        if kind not in kinds:
            continue
        color, dash = EDGE_STYLE[kind]
        body.append(
            f'<line x1="{num(x)}" y1="{num(y - 4)}" x2="{num(x + 24)}" y2="{num(y - 4)}" '
            f'stroke="{color}" stroke-width="2"{dash}/>'
            f'<text x="{num(x + 30)}" y="{num(y)}" fill="#495057">{LEGEND[kind]}</text>'
        )
        x += 44 + 6.5 * len(LEGEND[kind])
    return body


def graph_svg(graph: ChangedGraph) -> Markup | None:
    """The SVG picture of ``graph``, or ``None`` when nothing relational changed."""
    if not graph.nodes:
        return None
    columns, hidden = _columns(graph)
    place: dict[str, tuple[float, float, int]] = {}
    body = [_defs(EDGE_STYLE)]
    for index, column in enumerate(columns):
        x = MARGIN + index * (NODE_W + COL_GAP)
        body.append(
            f'<text x="{num(x)}" y="{num(TOP - 16)}" font-weight="bold" fill="#343a40">'
            f"{COLUMNS[index]} ({len(column)})</text>"
        )
        for row, arn in enumerate(column):
            y = TOP + row * (NODE_H + GAP)
            place[arn] = (x, y + NODE_H / 2, index)
            body.append(_node(arn, x, y, graph))
    drawn = [e for e in graph.edges if e.source in place and e.target in place][:MAX_EDGES]
    body.extend(_edge(place[e.source], place[e.target], e.kind) for e in drawn)
    rows = max(len(column) for column in columns)
    height = TOP + rows * (NODE_H + GAP) + 34
    body.extend(_legend({edge.kind for edge in drawn}, height - 12))
    if hidden or len(drawn) < len(graph.edges):
        note = f"not drawn: {hidden} nodes, {len(graph.edges) - len(drawn)} edges"
        body.append(
            f'<text x="{num(MARGIN + 2 * (NODE_W + COL_GAP))}" y="{num(height - 12)}" '
            f'fill="#495057">{note}</text>'
        )
    width = MARGIN + 3 * NODE_W + 2 * COL_GAP + 10
    return Markup(
        f'<svg xmlns="http://www.w3.org/2000/svg" class="graph" role="img" '
        f'aria-label="Changed part of the IAM graph" viewBox="0 0 {num(width)} {num(height)}" '
        f'width="{num(width)}" height="{num(height)}" {FONT} font-size="12">'
        + "".join(body)
        + "</svg>"
    )
