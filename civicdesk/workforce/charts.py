"""Small accessible SVG charts drawn on the server. Each goes beside a table of its data."""

from __future__ import annotations

from django.utils.formats import number_format
from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe

# GOV.UK palette, distinguishable in greyscale too.
COLOURS = ["#1d70b8", "#f47738", "#00703c", "#4c2c92"]


def _short(label: str, limit: int = 26) -> str:
    """Fit a label in the chart's margin; the table beside the chart has it in full."""
    return label if len(label) <= limit else label[: limit - 1] + "…"


def bar_chart(
    *,
    title: str,
    labels: list[str],
    series: list[tuple[str, list[float | None]]],
    max_value: float | None = None,
    unit: str = "",
    decimals: int | None = None,
) -> SafeString:
    """Grouped horizontal bars: one group per label, one bar per series. Each bar's value is
    written in the reader's number format with `decimals` places, by default none when every
    value is whole (counts) and two otherwise (averages: 3.00 beside 2.88, not 3)."""
    values = [v for _name, vs in series for v in vs if v is not None]
    if decimals is None:
        decimals = 0 if all(float(v).is_integer() for v in values) else 2
    top = max_value or (max(values) if values else 1) or 1
    bar_h, gap, label_w, chart_w = 16, 10, 190, 300
    group_h = bar_h * len(series) + gap
    legend_h = 24
    height = legend_h + group_h * max(len(labels), 1) + 10
    width = label_w + chart_w + 70
    parts = [
        format_html(
            '<svg xmlns="http://www.w3.org/2000/svg" class="workforce-chart" role="img" '
            'aria-label="{}" viewBox="0 0 {} {}" width="100%" preserveAspectRatio="xMinYMin meet" '
            'font-family="Arial, Helvetica, sans-serif">'
            "<title>{}</title>",
            title,
            width,
            height,
            title,
        )
    ]
    x = label_w
    for i, (name, _vs) in enumerate(series):
        colour = COLOURS[i % len(COLOURS)]
        parts.append(
            format_html(
                '<rect x="{}" y="4" width="12" height="12" fill="{}"></rect>'
                '<text x="{}" y="15" font-size="13" fill="#0b0c0c">{}</text>',
                x,
                colour,
                x + 16,
                name,
            )
        )
        x += 20 + 8 * len(str(name))
    for g, label in enumerate(labels):
        y0 = legend_h + g * group_h
        parts.append(
            format_html(
                '<text x="{}" y="{}" font-size="13" text-anchor="end" fill="#0b0c0c">{}</text>',
                label_w - 8,
                y0 + group_h / 2,
                _short(str(label)),
            )
        )
        for i, (_name, vs) in enumerate(series):
            value = vs[g] if g < len(vs) else None
            y = y0 + i * bar_h
            w = 0 if value is None else max(chart_w * value / top, 1)
            parts.append(
                format_html(
                    '<rect x="{}" y="{}" width="{}" height="{}" fill="{}"></rect>'
                    '<text x="{}" y="{}" font-size="11" fill="#0b0c0c">{}</text>',
                    label_w,
                    y,
                    f"{w:.1f}",
                    bar_h - 2,
                    COLOURS[i % len(COLOURS)],
                    f"{label_w + w + 4:.1f}",
                    y + bar_h - 4,
                    "–" if value is None else f"{number_format(value, decimal_pos=decimals)}{unit}",
                )
            )
    parts.append("</svg>")
    return mark_safe("".join(str(p) for p in parts))  # noqa: S308 - every value escaped above
