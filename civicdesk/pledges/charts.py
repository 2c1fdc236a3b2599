"""Server-side SVG trend charts: accessible (title, description, the table beside it), no JS."""

from __future__ import annotations

from math import ceil

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

from civicdesk.pledges.periods import AxisLabel

WIDTH, HEIGHT = 640, 240
# Room for the axis figures and period labels when a phone draws them at twice the size.
LEFT, RIGHT, TOP, BOTTOM = 64, 16, 16, 40
# On a phone pledges.css draws chart text larger (up to this, in the chart's own units) so that
# it stays readable when the chart shrinks; period labels that would then overlap are marked
# `data-minor` and give way there, the last one always shown, and the year some labels carry
# ("Jan 2027") is not drawn. The table beside has them all.
PHONE_FONT = 30


def trend_svg(
    *,
    results,
    target: float,
    chart_id: str,
    title: str,
    lower_is_better: bool,
    description: str | None = None,
    target_text: str | None = None,
    labels: list[AxisLabel] | None = None,
) -> SafeString:
    """Bars per period and a dashed target line; bars that met the target are green. `labels`:
    the periods under the bars (periods.axis_labels); without them each result's `label`."""
    known = [r.value for r in results if r.value is not None]
    top = max([*known, float(target), 1.0])
    bottom = min([*known, float(target), 0.0])
    span = (top - bottom) or 1.0
    plot_w, plot_h = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM

    def y(v: float) -> float:
        return TOP + plot_h * (1 - (v - bottom) / span)

    slot = plot_w / max(len(results), 1)
    if labels is None:
        labels = [AxisLabel(_short(r.label)) for r in results]
    step = _label_step([label.short for label in labels], slot)
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
        minor = ' data-minor=""' if (len(results) - 1 - i) % step else ""
        parts.append(
            f'<text class="pledge-chart__label"{minor} x="{LEFT + i * slot + slot / 2:.1f}" '
            f'y="{HEIGHT - 10}" text-anchor="middle">{_label_text(labels[i])}</text>'
        )
    for v in sorted({round(bottom, 1), round(top, 1)}):
        parts.append(
            f'<text class="pledge-chart__axis" x="{LEFT - 6}" y="{y(v):.1f}" dy="0.35em" '
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


def _short(label: str) -> str:
    return label[2:] if len(label) > 4 else label


def _label_text(label: AxisLabel) -> str:
    if not label.year:
        return escape(label.short)
    year = f'<tspan class="pledge-chart__year">{escape(label.year)}</tspan>'
    return year + escape(label.short) if label.year_first else escape(label.short) + year


def _em(text: str) -> float:
    """Roughly how wide `text` is drawn, in em: a Chinese character is a whole em, a Latin
    letter or a digit about 0.55."""
    return sum(1.0 if ord(ch) >= 0x2E80 else 0.55 for ch in text)


def _label_step(labels: list[str], slot: float) -> int:
    """Show every n-th period label on a phone: labels at PHONE_FONT (and a gap of 0.3 em)
    must not run into each other."""
    widest = max((_em(label) for label in labels), default=0)
    return max(1, ceil((widest + 0.3) * PHONE_FONT / slot))
