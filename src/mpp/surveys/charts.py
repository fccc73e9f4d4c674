"""The index's chart: each element's NRR as a bar, drawn on the server as SVG with pygal and inlined.

As the statistics' charts (which this app cannot import: they sit a floor above), the output is cleaned
for the Content-Security-Policy: no script, no inline style, no tooltip; ``surveys.css`` gives it its look
by pygal's class names. The chart is an image to assistive technologies (``role="img"`` and a label);
the page puts the same numbers beside it in a table. Drawn once per distinct content (``lru_cache``).
"""

import functools
import re

import pygal
from django.utils.safestring import SafeString, mark_safe
from pygal.style import Style

STYLE = Style(
    background="#ffffff",
    plot_background="#ffffff",
    foreground="#1b1f24",
    foreground_strong="#1b1f24",
    foreground_subtle="#4a5561",
    colors=("#0b5394",),
    font_family="system-ui, -apple-system, 'Segoe UI', Roboto, sans-serif",
    label_font_size=13,
    major_label_font_size=13,
    value_font_size=13,
    title_font_size=16,
)
_DROPPED = {"defs", "script", "style", "desc"}
_GEOMETRY = {"x", "y", "width", "height", "cx", "cy", "r", "d", "transform"}
_LONG_NUMBER = re.compile(r"-?\d+\.\d{2,}")


def _local(tag) -> str:
    return tag.rsplit("}", 1)[-1] if isinstance(tag, str) else ""


def _clean(label: str):
    """pygal's ``xml_filters`` hook: drop scripts, styles, tooltips, ids and style attributes; name the image."""

    def clean(root):
        stack = [root]
        while stack:
            node = stack.pop()
            for child in list(node):
                tag, classes = _local(child.tag), (child.get("class") or "").split()
                if not tag or tag in _DROPPED or (tag == "title" and node is not root) or "tooltip-overlay" in classes:
                    node.remove(child)
                    continue
                child.attrib.pop("style", None)
                child.attrib.pop("id", None)
                for name, value in child.attrib.items():
                    if name in _GEOMETRY:
                        child.set(name, _LONG_NUMBER.sub(lambda match: f"{float(match.group()):.1f}", value))
                if "tooltip-trigger" in classes:
                    child.set("class", " ".join(name for name in classes if name != "tooltip-trigger"))
                stack.append(child)
        root.attrib.pop("id", None)
        root.set("role", "img")
        root.set("aria-label", label)
        root.set("focusable", "false")
        root.set("class", "chart-svg pygal-chart")
        for child in root:
            if _local(child.tag) == "title":
                child.text = label
        return root

    return clean


@functools.lru_cache(maxsize=512)
def element_bars(label: str, items: tuple[tuple[str, float | None], ...], decimal_mark: str = ",") -> SafeString:
    """One bar per element (its code, U1 … U9: the table under the chart names them), its NRR on the
    1-to-4 scale printed on it; an element without answers has no bar."""
    chart = pygal.Bar(
        style=STYLE,
        js=[],  # pygal's default loads scripts from kozea.github.io
        disable_xml_declaration=True,
        no_prefix=True,
        width=420,
        height=240,
        margin=12,
        show_legend=False,
        print_values=True,
        print_values_position="top",
        range=(1, 4),
        zero=1,  # bars rise from the scale's floor, 1 (the worst answer), not from 0
        show_x_guides=False,
        show_y_guides=True,
        y_labels=[1, 2, 3, 4],
        no_data_text="—",
        formatter=lambda value: f"{value:.2f}".replace(".", decimal_mark),
    )
    chart.x_labels = [name for name, _value in items]
    chart.add(label, [value for _name, value in items])
    chart.add_xml_filter(_clean(label))
    return mark_safe(chart.render(is_unicode=True))  # noqa: S308 (pygal's own XML, escaped by lxml; labels ours)
