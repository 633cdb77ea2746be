"""The IAM state as a networkx graph, and its GraphML, JSON and DOT exports.

Nodes: users, groups, roles, managed and inline policies, accounts and outside
principals (services, identity providers, ``*``). Edges (``kind``): ``member_of`` (user
→ group), ``attached`` and ``boundary`` (principal → managed policy), ``inline``
(principal → inline policy), ``trusts`` (role → principal its trust policy admits, with
the classification), ``assumed`` (caller → role, observed: count, first, last).

Names come from the logs (a trust policy may name any string as a principal). GraphML and
DOT write every text through :func:`~auditor.untrusted_text.visible_exact`: control, bidi
and invisible characters become escapes (``\\x1b``, ``\\u202e``) and ``\\`` is doubled, so the
XML is well-formed, no viewer obeys them, and two distinct names never merge into one node.
JSON keeps every name exact (``\\u`` escapes).
"""

from __future__ import annotations

import io
import json
from typing import TYPE_CHECKING, Any

import networkx as nx

from auditor.iam.arns import account_of
from auditor.iam.state import IamState
from auditor.policy.trust import OrganizationContext, classify_trust
from auditor.timeutil import format_instant
from auditor.untrusted_text import visible_exact

if TYPE_CHECKING:
    Graph = nx.MultiDiGraph[str]
else:
    Graph = nx.MultiDiGraph
GRAPH_FORMATS = ("graphml", "json", "dot")


def _principal_type(node: str) -> str:
    if node == "*":
        return "public"
    if node.endswith(":root"):
        return "account"
    if ":saml-provider/" in node or ":oidc-provider/" in node:
        return "identity_provider"
    if node.endswith(".amazonaws.com") or node.endswith(".amazonaws.com.cn"):
        return "service"
    if ":user/" in node:
        return "user"
    if ":role/" in node:
        return "role"
    return "external"


def _add_node(graph: Graph, node: str, **attrs: Any) -> None:
    if node not in graph:
        graph.add_node(node, type=attrs.pop("type", _principal_type(node)), **attrs)
    elif attrs:
        graph.nodes[node].update(attrs)


def _holdings(graph: Graph, state: IamState, arn: str, entity: Any) -> None:
    for policy_arn in sorted(entity.attached):
        _add_node(graph, policy_arn, type="policy", aws_managed=account_of(policy_arn) == "aws")
        graph.add_edge(arn, policy_arn, kind="attached")
    for name in sorted(entity.inline):
        node = f"{arn}#inline/{name}"
        _add_node(graph, node, type="inline_policy", name=name)
        graph.add_edge(arn, node, kind="inline")
    boundary = getattr(entity, "boundary", None)
    if boundary:
        _add_node(graph, boundary, type="policy", aws_managed=account_of(boundary) == "aws")
        graph.add_edge(arn, boundary, kind="boundary")


def build_graph(state: IamState, org_accounts: frozenset[str] = frozenset()) -> Graph:
    """The graph of principals, groups, policies, trust and observed assumption."""
    graph: Graph = nx.MultiDiGraph()
    for policy in state.policies.values():
        _add_node(
            graph, policy.arn, type="policy", name=policy.name, aws_managed=policy.aws_managed
        )
    for group in state.groups.values():
        _add_node(graph, group.arn, type="group", name=group.name, account=group.account)
        _holdings(graph, state, group.arn, group)
    for user in state.users.values():
        _add_node(graph, user.arn, type="user", name=user.name, account=user.account)
        for group_arn in sorted(user.groups):
            _add_node(graph, group_arn, type="group")
            graph.add_edge(user.arn, group_arn, kind="member_of")
        _holdings(graph, state, user.arn, user)
    for role in state.roles.values():
        _add_node(graph, role.arn, type="role", name=role.name, account=role.account)
        _holdings(graph, state, role.arn, role)
        parsed = role.trust.parsed() if role.trust is not None else None
        if parsed is None:
            continue
        context = OrganizationContext(role.account, org_accounts)
        for trusted in classify_trust(parsed, context):
            _add_node(graph, trusted.principal)
            graph.add_edge(
                role.arn,
                trusted.principal,
                kind="trusts",
                trust_kind=trusted.kind,
                risk=trusted.risk,
            )
    for (caller, role_arn), seen in sorted(state.assumptions.items()):
        _add_node(graph, caller)
        _add_node(graph, role_arn, type="role")
        graph.add_edge(
            caller,
            role_arn,
            kind="assumed",
            count=seen.times,
            first=format_instant(seen.first),
            last=format_instant(seen.last),
        )
    return graph


def _clean(attrs: dict[str, Any]) -> dict[str, Any]:
    return {key: value for key, value in attrs.items() if value is not None}


def _dot_quote(value: object) -> str:
    """A DOT string: shown characters, then ``\\`` and ``"`` escaped for DOT itself."""
    text = visible_exact(str(value))
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def _exact_value(value: Any) -> Any:
    return visible_exact(value) if isinstance(value, str) else value


def _exact_attrs(attrs: dict[str, Any]) -> dict[str, Any]:
    return {key: _exact_value(value) for key, value in _clean(attrs).items()}


def to_dot(graph: Graph) -> str:
    """Graphviz DOT text."""
    lines = ["digraph iam {", "  rankdir=LR;"]
    for node in sorted(graph.nodes):
        node_attrs: dict[str, Any] = dict(graph.nodes[node])
        label = node_attrs.get("name") or node
        extra = "".join(
            f" {k}={_dot_quote(v)}" for k, v in sorted(_clean(node_attrs).items()) if k != "name"
        )
        lines.append(f"  {_dot_quote(node)} [label={_dot_quote(label)}{extra}];")
    edges: list[tuple[str, str, dict[str, Any]]] = [
        (str(u), str(v), dict(d)) for u, v, d in graph.edges(data=True)
    ]
    for source, target, attrs in sorted(edges, key=lambda e: (e[0], e[1], str(e[2]["kind"]))):
        extra = "".join(f" {k}={_dot_quote(v)}" for k, v in sorted(_clean(attrs).items()))
        label = _dot_quote(attrs["kind"])
        lines.append(f"  {_dot_quote(source)} -> {_dot_quote(target)} [label={label}{extra}];")
    lines.append("}")
    return "\n".join(lines) + "\n"


def to_json(graph: Graph) -> str:
    """node-link JSON (networkx's format, ``edges`` key)."""
    data = nx.node_link_data(graph, edges="edges")
    return json.dumps(data, indent=1, sort_keys=True, default=str) + "\n"


def to_graphml(graph: Graph) -> str:
    """GraphML text, well-formed XML 1.0 (attributes without a value are left out)."""
    clean: Graph = nx.MultiDiGraph()
    for node, attrs in graph.nodes(data=True):
        clean.add_node(visible_exact(node), **_exact_attrs(attrs))
    for source, target, attrs in graph.edges(data=True):
        clean.add_edge(visible_exact(source), visible_exact(target), **_exact_attrs(attrs))
    buffer = io.BytesIO()
    nx.write_graphml(clean, buffer, encoding="utf-8")
    return buffer.getvalue().decode("utf-8")


def render_graph(state: IamState, fmt: str, org_accounts: frozenset[str] = frozenset()) -> str:
    """The state's graph in one of ``GRAPH_FORMATS``."""
    graph = build_graph(state, org_accounts)
    if fmt == "graphml":
        return to_graphml(graph)
    if fmt == "json":
        return to_json(graph)
    if fmt == "dot":
        return to_dot(graph)
    raise ValueError(f"unknown graph format {fmt!r}; expected one of {', '.join(GRAPH_FORMATS)}")
