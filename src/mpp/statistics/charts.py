"""Charts drawn on the server as SVG with pygal, inlined in the page: no script, nothing from elsewhere.

pygal writes an interactive chart: a ``<script>`` with its configuration (and, unless ``js=[]``, tags
loading its scripts from kozea.github.io), a ``<style>`` and a hidden tooltip with a ``style``
attribute. The site's Content-Security-Policy allows none of them inline, so ``core.charts`` takes
them out; the chart's look comes from our own stylesheet (``statistics/statistics.css``), which
knows pygal's class names. Each chart is an image to assistive technologies (``role="img"`` and a
label saying what it shows); the page puts its numbers beside it in a table.

Rendering costs a few milliseconds, so a chart is drawn once per distinct content and kept
(``lru_cache``): the same period and scope asked again is served from memory.
"""

import functools

import pygal
from django.utils.safestring import SafeString

from mpp.core.charts import config, render


@functools.lru_cache(maxsize=256)
def bars(label: str, items: tuple[tuple[str, int], ...], *, horizontal: bool = True, series: str = "") -> SafeString:
    """One series of bars, one per (name, value): a split, a ranking or a distribution."""
    height = max(120, 40 + 28 * len(items)) if horizontal else 240
    chart_type = pygal.HorizontalBar if horizontal else pygal.Bar
    chart = chart_type(**config(label, show_legend=False, height=height, print_values=len(items) <= 40))
    chart.x_labels = [name for name, _value in items]
    chart.add(series or label, [value for _name, value in items])
    return render(chart, label)


@functools.lru_cache(maxsize=256)
def lines(label: str, x_labels: tuple[str, ...], series: tuple[tuple[str, tuple[int, ...]], ...]) -> SafeString:
    """Several series over time (received and decided per month or day), legend below."""
    many = len(x_labels) > 16
    chart = pygal.Line(
        **config(
            label,
            legend_at_bottom=True,
            margin_right=32,  # room for the last month's label, centred on the last point
            print_values=False,  # the table under the chart has them; on a line they crowd the last point
            show_dots=not many,
            x_label_rotation=0 if len(x_labels) <= 12 else 45,
            show_minor_x_labels=not many,
            x_labels_major_every=max(1, len(x_labels) // 8) if many else None,
        )
    )
    chart.x_labels = list(x_labels)
    for name, values in series:
        chart.add(name, list(values))
    return render(chart, label)
