"""The HTML report: one self-contained page (inline CSS and SVG, no script)."""

from __future__ import annotations

from pathlib import Path

from reports.charts import severity_chart, trend_charts
from reports.context import build_view
from reports.environment import environment
from reports.graph_svg import changed_graph, graph_svg
from reports.model import ReportData
from reports.view import Limits

HTML_LIMITS = Limits()


def render_html(data: ReportData, template_dir: Path | None = None) -> str:
    """Render ``data`` as one HTML page."""
    view = build_view(data, HTML_LIMITS)
    template = environment("html", template_dir).get_template("report.html.j2")
    return template.render(
        v=view,
        severity_chart=severity_chart(view.counts),
        trend_charts=trend_charts(view.trends, view.trend_keys),
        graph=graph_svg(changed_graph(data)),
    )
