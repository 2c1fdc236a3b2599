"""Server-side SVG trend charts: accessible (title, description, the table beside it), no JS."""

from __future__ import annotations

from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _

WIDTH, HEIGHT = 640, 240
LEFT, RIGHT, TOP, BOTTOM = 48, 16, 16, 36


def trend_svg(
    *, results, target: float, chart_id: str, title: str, lower_is_better: bool
) -> SafeString:
    """Bars per period, a dashed target line; bars that met the target are solid."""
    values = [r.value for r in results]
    known = [v for v in values if v is not None]
    top = max([*known, float(target), 1.0])
    bottom = min([*known, float(target), 0.0])
    span = (top - bottom) or 1.0
    plot_w, plot_h = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM

    def y(v: float) -> float:
        return TOP + plot_h * (1 - (v - bottom) / span)

    slot = plot_w / max(len(results), 1)
    bars = []
    for i, r in enumerate(results):
        x = LEFT + i * slot + slot * 0.15
        label_x = LEFT + i * slot + slot / 2
        if r.value is not None:
            y0, y1 = sorted((y(0.0), y(r.value)))
            css = "pledge-chart__bar--met" if r.met else "pledge-chart__bar--missed"
            bars.append(
                format_html(
                    '<rect class="{}" x="{:.1f}" y="{:.1f}" width="{:.1f}" height="{:.1f}"></rect>',
                    css,
                    x,
                    y0,
                    slot * 0.7,
                    max(y1 - y0, 1),
                )
            )
        bars.append(
            format_html(
                '<text class="pledge-chart__label" x="{:.1f}" y="{}" text-anchor="middle">{}</text>',
                label_x,
                HEIGHT - 12,
                r.label[2:] if len(r.label) > 4 else r.label,
            )
        )
    description = _(
        "Bar chart of the achievement in each period; the dashed line is the target of %(target)s. "
        "The same figures are in the table below."
    ) % {"target": target}
    if lower_is_better:
        description += " " + _("Lower is better.")
    axis = format_html_join(
        "",
        '<text class="pledge-chart__axis" x="{}" y="{:.1f}" text-anchor="end">{}</text>',
        ((LEFT - 6, y(v) + 4, f"{v:g}") for v in sorted({round(bottom, 1), round(top, 1)})),
    )
    return format_html(
        '<svg class="pledge-chart" viewBox="0 0 {} {}" role="img" aria-labelledby="{}-t {}-d" '
        'focusable="false"><title id="{}-t">{}</title><desc id="{}-d">{}</desc>'
        '<line class="pledge-chart__base" x1="{}" x2="{}" y1="{:.1f}" y2="{:.1f}"></line>'
        "{}{}"
        '<line class="pledge-chart__target" x1="{}" x2="{}" y1="{:.1f}" y2="{:.1f}"></line>'
        "</svg>",
        WIDTH, HEIGHT, chart_id, chart_id, chart_id, title, chart_id, description,
        LEFT, WIDTH - RIGHT, y(0.0), y(0.0),
        axis, SafeString("".join(bars)),
        LEFT, WIDTH - RIGHT, y(float(target)), y(float(target)),
    )  # fmt: skip
