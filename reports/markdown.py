"""The Markdown report, for GitHub and wikis: every value from logs escaped or fenced."""

from __future__ import annotations

from pathlib import Path

from reports.context import build_view
from reports.environment import environment
from reports.graph_svg import changed_graph
from reports.model import ReportData
from reports.view import Limits

MD_LIMITS = Limits()
MAX_GRAPH_EDGES = 100


def render_markdown(data: ReportData, template_dir: Path | None = None) -> str:
    """Render ``data`` as Markdown."""
    view = build_view(data, MD_LIMITS)
    edges = changed_graph(data).edges
    template = environment("md", template_dir).get_template("report.md.j2")
    return template.render(
        v=view, graph_edges=edges[:MAX_GRAPH_EDGES], graph_omitted=len(edges) - MAX_GRAPH_EDGES
    )
