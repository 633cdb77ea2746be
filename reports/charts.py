"""Inline SVG charts: severity counts and trends. No script, fixed-precision coordinates."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from markupsafe import Markup, escape

from reports.model import TrendPoint
from reports.shown import shown_text

SEVERITY_COLORS = {
    "critical": "#8b1a1a",
    "high": "#d9480f",
    "medium": "#e8a317",
    "low": "#3b6fb6",
    "info": "#7a8290",
}
PALETTE = ("#3b6fb6", "#d9480f", "#2f9e44", "#9c36b5", "#e8a317", "#0c8599", "#7a8290")
FONT = 'font-family="system-ui,-apple-system,Segoe UI,Roboto,sans-serif"'


def svg_text(value: object) -> Markup:
    """A value from the data as SVG text: capped, unsafe characters shown, escaped."""
    return escape(shown_text(value))


def num(value: float) -> str:
    """A coordinate with one fixed decimal, so output is byte-stable."""
    return f"{value:.1f}"


def color_of(key: str, position: int) -> str:
    """The colour of a series: severities have their own, other keys the palette."""
    return SEVERITY_COLORS.get(key, PALETTE[position % len(PALETTE)])


def series_label(key: str) -> str:
    """A series key in words (``new_admin_principals`` → ``new admin principals``)."""
    return key.replace("_", " ")


def nice_peak(value: int) -> int:
    """The top of the value axis: a multiple of 4 at or above ``value``, so ticks are whole."""
    return max(4, -(-value // 4) * 4)


def _svg(width: float, height: float, label: str, body: list[str]) -> Markup:
    head = (
        f'<svg xmlns="http://www.w3.org/2000/svg" class="chart" role="img" '
        f'viewBox="0 0 {num(width)} {num(height)}" width="{num(width)}" height="{num(height)}" '
        f'aria-label="{svg_text(label)}" {FONT} font-size="12">'
    )
    return Markup(head + "".join(body) + "</svg>")


def severity_chart(counts: Mapping[str, int]) -> Markup:
    """Horizontal bars, one per severity, with the count at the end."""
    row, label_width, bar_width = 26.0, 72.0, 250.0
    peak = max(counts.values(), default=0) or 1
    body = []
    for index, (severity, count) in enumerate(counts.items()):
        y = 6.0 + index * row
        length = bar_width * count / peak
        body.append(
            f'<text x="0.0" y="{num(y + 14)}" fill="#333">{svg_text(severity)}</text>'
            f'<rect x="{num(label_width)}" y="{num(y + 2)}" width="{num(max(length, 1.0))}" '
            f'height="16.0" rx="2.0" fill="{color_of(severity, index)}">'
            f"<title>{svg_text(severity)}: {count}</title></rect>"
            f'<text x="{num(label_width + length + 6)}" y="{num(y + 14)}" fill="#333">'
            f"{count}</text>"
        )
    height = 12.0 + row * len(counts)
    return _svg(label_width + bar_width + 60, height, "Findings by severity", body)


def _legend(keys: Sequence[str], x: float, y: float, vertical: bool = False) -> list[str]:
    body = []
    for index, key in enumerate(keys):
        body.append(
            f'<rect x="{num(x)}" y="{num(y - 9)}" width="10.0" height="10.0" '
            f'fill="{color_of(key, index)}"/>'
            f'<text x="{num(x + 14)}" y="{num(y)}" fill="#333">{svg_text(series_label(key))}</text>'
        )
        if vertical:
            y += 18
        else:
            x += 30 + 7.5 * len(key)
    return body


def _frame(
    points: Sequence[TrendPoint], peak: int, plot: tuple[float, float, float, float]
) -> list[str]:
    """Axis, gridlines with values, and one label per point."""
    left, top, width, height = plot
    body = []
    for step in range(5):
        value = peak * step / 4
        y = top + height - height * step / 4
        body.append(
            f'<line x1="{num(left)}" y1="{num(y)}" x2="{num(left + width)}" y2="{num(y)}" '
            f'stroke="#ddd"/><text x="{num(left - 6)}" y="{num(y + 4)}" text-anchor="end" '
            f'fill="#666">{int(value)}</text>'
        )
    slot = width / max(len(points), 1)
    for index, point in enumerate(points):
        x = left + slot * (index + 0.5)
        body.append(
            f'<text x="{num(x)}" y="{num(top + height + 16)}" text-anchor="middle" '
            f'fill="#333">{svg_text(point.label)}</text>'
        )
    return body


def stacked_bars(points: Sequence[TrendPoint], keys: Sequence[str], title: str) -> Markup:
    """One stacked bar per point (e.g. per week), one segment per key."""
    left, top, height = 40.0, 24.0, 160.0
    width = max(360.0, 64.0 * len(points))
    peak = max((sum(point.counts.get(key, 0) for key in keys) for point in points), default=0)
    peak = nice_peak(peak)
    body = _legend(keys, 8.0, 12.0) + _frame(points, peak, (left, top, width, height))
    slot = width / max(len(points), 1)
    for index, point in enumerate(points):
        base = top + height
        x = left + slot * index + slot * 0.2
        for position, key in enumerate(keys):
            value = point.counts.get(key, 0)
            if not value:
                continue
            size = height * value / peak
            base -= size
            body.append(
                f'<rect x="{num(x)}" y="{num(base)}" width="{num(slot * 0.6)}" '
                f'height="{num(size)}" fill="{color_of(key, position)}">'
                f"<title>{svg_text(point.label)} {svg_text(key)}: {value}</title></rect>"
            )
    return _svg(left + width + 10, top + height + 26, title, body)


def line_chart(points: Sequence[TrendPoint], keys: Sequence[str], title: str) -> Markup:
    """One line per key across the points, with a dot and tooltip at each value."""
    left, top, height = 40.0, 16.0, max(160.0, 18.0 * len(keys))
    width = max(360.0, 64.0 * len(points))
    peak = max((point.counts.get(key, 0) for point in points for key in keys), default=0)
    peak = nice_peak(peak)
    body = _legend(keys, left + width + 16, top + 8, vertical=True)
    body.extend(_frame(points, peak, (left, top, width, height)))
    slot = width / max(len(points), 1)
    for position, key in enumerate(keys):
        color = color_of(key, position)
        coords = []
        for index, point in enumerate(points):
            value = point.counts.get(key, 0)
            coords.append((left + slot * (index + 0.5), top + height - height * value / peak))
        path = " ".join(f"{num(x)},{num(y)}" for x, y in coords)
        body.append(f'<polyline points="{path}" fill="none" stroke="{color}" stroke-width="2"/>')
        for (x, y), point in zip(coords, points, strict=True):
            value = point.counts.get(key, 0)
            body.append(
                f'<circle cx="{num(x)}" cy="{num(y)}" r="3.0" fill="{color}">'
                f"<title>{svg_text(point.label)} {svg_text(key)}: {value}</title>"
                "</circle>"
            )
    legend_width = 30.0 + 7.0 * max((len(key) for key in keys), default=0)
    return _svg(left + width + 16 + legend_width, top + height + 26, title, body)


def trend_charts(points: Sequence[TrendPoint], keys: Sequence[str]) -> tuple[Markup, ...]:
    """Severity series as stacked bars, any other series as lines."""
    severities = [key for key in keys if key in SEVERITY_COLORS]
    others = [key for key in keys if key not in SEVERITY_COLORS]
    charts = []
    if points and severities:
        charts.append(stacked_bars(points, severities, "Findings per period by severity"))
    if points and others:
        charts.append(line_chart(points, others, "Headline metrics per period"))
    return tuple(charts)
