"""The treasurer's chart: what was collected each day, as bars, drawn on the server as SVG with pygal (cleaned for
the Content-Security-Policy by ``core.charts``); the page puts the same numbers beside it in a table."""

import functools

import pygal
from django.utils.safestring import SafeString

from mpp.catalog.templatetags.catalog import rupiah
from mpp.core.charts import config, render


@functools.lru_cache(maxsize=64)
def collected_by_day(label: str, items: tuple) -> SafeString:
    chart = pygal.Bar(
        **config(
            label,
            height=240,
            show_legend=False,
            show_x_guides=False,
            print_values=False,
            x_label_rotation=45,
            formatter=lambda value: f"Rp{rupiah(value)}",
        )
    )
    chart.x_labels = [day.strftime("%d/%m") for day, _total in items]
    chart.add(label, [total for _day, total in items])
    return render(chart, label)
