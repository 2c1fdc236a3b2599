"""Server-side SVG trend charts: accessible (title, description, the table beside it), no JS."""

from __future__ import annotations

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

WIDTH, HEIGHT = 640, 240
LEFT, RIGHT, TOP, BOTTOM = 48, 16, 16, 36


def trend_svg(
    *,
    results,
    target: float,
    chart_id: str,
    title: str,
    lower_is_better: bool,
    description: str | None = None,
    target_text: str | None = None,
) -> SafeString:
    """Bars per period and a dashed target line; bars that met the target are green."""
    known = [r.value for r in results if r.value is not None]
    top = max([*known, float(target), 1.0])
    bottom = min([*known, float(target), 0.0])
    span = (top - bottom) or 1.0
    plot_w, plot_h = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM

    def y(v: float) -> float:
        return TOP + plot_h * (1 - (v - bottom) / span)

    slot = plot_w / max(len(results), 1)
    parts = []
    for i, r in enumerate(results):
        x = LEFT + i * slot + slot * 0.15
        if r.value is not None:
            y0, y1 = sorted((y(0.0), y(r.value)))
            css = "pledge-chart__bar--met" if r.met else "pledge-chart__bar--missed"
            fill = "#00703c" if r.met else "#f47738"
            parts.append(
                f'<rect class="{css}" fill="{fill}" x="{x:.1f}" y="{y0:.1f}" width="{slot * 0.7:.1f}" '
                f'height="{max(y1 - y0, 1):.1f}"></rect>'
            )
        label = r.label[2:] if len(r.label) > 4 else r.label
        parts.append(
            f'<text class="pledge-chart__label" x="{LEFT + i * slot + slot / 2:.1f}" '
            f'y="{HEIGHT - 12}" text-anchor="middle">{escape(label)}</text>'
        )
    for v in sorted({round(bottom, 1), round(top, 1)}):
        parts.append(
            f'<text class="pledge-chart__axis" x="{LEFT - 6}" y="{y(v) + 4:.1f}" '
            f'text-anchor="end">{v:g}</text>'
        )
    if description is None:
        description = _(
            "Bar chart of the achievement in each period; the dashed line is the target of "
            "%(target)s. The same figures are in the table below."
        ) % {"target": target_text or f"{target:g}"}
    if lower_is_better:
        description += " " + _("Lower is better.")
    cid = escape(chart_id)
    return mark_safe(  # noqa: S308  (every text part is escaped above)
        f'<svg class="pledge-chart" viewBox="0 0 {WIDTH} {HEIGHT}" role="img" '
        f'aria-labelledby="{cid}-t {cid}-d" focusable="false">'
        f'<title id="{cid}-t">{escape(title)}</title><desc id="{cid}-d">{escape(description)}</desc>'
        f'<line class="pledge-chart__base" stroke="#505a5f" x1="{LEFT}" x2="{WIDTH - RIGHT}" y1="{y(0.0):.1f}" '
        f'y2="{y(0.0):.1f}"></line>'
        + "".join(parts)
        + f'<line class="pledge-chart__target" stroke="#0b0c0c" stroke-width="2" '
        f'stroke-dasharray="6 4" x1="{LEFT}" x2="{WIDTH - RIGHT}" '
        f'y1="{y(float(target)):.1f}" y2="{y(float(target)):.1f}"></line></svg>'
    )
