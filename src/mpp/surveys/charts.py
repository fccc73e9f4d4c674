"""The index's chart: each element's NRR as a bar, drawn on the server as SVG with pygal and inlined.

Styled and cleaned for the Content-Security-Policy by ``core.charts`` (as the statistics' charts):
no script, no inline style, no tooltip; ``surveys.css`` gives it its look by pygal's class names. The
chart is an image to assistive technologies (``role="img"`` and a label); the page puts the same numbers
beside it in a table. Drawn once per distinct content (``lru_cache``).
"""

import functools

import pygal
from django.utils.safestring import SafeString

from mpp.core.charts import config, render


@functools.lru_cache(maxsize=512)
def element_bars(label: str, items: tuple[tuple[str, float | None], ...], decimal_mark: str = ",") -> SafeString:
    """One bar per element (its code, U1 … U9: the table under the chart names them), its NRR on the
    1-to-4 scale printed on it; an element without answers has no bar."""
    chart = pygal.Bar(
        **config(
            label,
            height=240,
            show_legend=False,
            range=(1, 4),
            zero=1,  # bars rise from the scale's floor, 1 (the worst answer), not from 0
            show_x_guides=False,
            y_labels=[1, 2, 3, 4],
            formatter=lambda value: f"{value:.2f}".replace(".", decimal_mark),
        )
    )
    chart.x_labels = [name for name, _value in items]
    chart.add(label, [value for _name, value in items])
    return render(chart, label)
