"""The server-side SVG chart: accessible, escaped, to scale."""

import re

from civicdesk.workforce.charts import bar_chart


def test_chart_is_labelled_escaped_and_to_scale():
    svg = bar_chart(
        title="Ideas <per> site",
        labels=["<script>alert(1)</script>", "A very long site name that will not fit at all"],
        series=[("Initiated", [4, 2]), ("Implemented", [None, 1])],
        max_value=4,
    )
    assert svg.startswith("<svg") and 'role="img"' in svg
    assert (
        'aria-label="Ideas &lt;per&gt; site"' in svg
        and "<title>Ideas &lt;per&gt; site</title>" in svg
    )
    assert "<script>" not in svg and "&lt;script&gt;" in svg
    assert "A very long site name tha…" in svg
    bars = re.findall(r'<rect x="190" y="(\d+)" width="([\d.]+)"', svg)
    widths = [float(w) for y, w in bars if y != "4"]  # y=4 is the legend's swatch
    assert widths == [300.0, 0.0, 150.0, 75.0]  # 4 of 4 is full width; missing draws nothing
    assert ">–<" in svg  # the missing value is shown as a dash, not as zero
