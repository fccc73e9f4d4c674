"""The manager's chart of the day: tickets taken in each hour, as bars, drawn on the server as SVG with pygal.

Cleaned for the Content-Security-Policy by ``core.charts`` (no script, no inline style); the page links the
statistics' stylesheet, which knows pygal's class names, and puts the same numbers beside it in a table.
Drawn once per distinct content (``lru_cache``).
"""

import functools

import pygal
from django.utils.safestring import SafeString

from mpp.core.charts import config, render


@functools.lru_cache(maxsize=256)
def tickets_by_hour(label: str, items: tuple[tuple[int, int], ...]) -> SafeString:
    """One bar per hour of the day (its local hour, "08" for 08.00–08.59) with the tickets taken in it."""
    chart = pygal.Bar(
        **config(label, height=220, show_legend=False, show_x_guides=False, formatter=lambda value: f"{value:.0f}")
    )
    chart.x_labels = [f"{hour:02d}" for hour, _count in items]
    chart.add(label, [count for _hour, count in items])
    return render(chart, label)
