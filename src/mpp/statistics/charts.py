"""Charts drawn on the server as SVG with pygal, inlined in the page: no script, nothing from elsewhere.

pygal writes an interactive chart: a ``<script>`` with its configuration (and, unless ``js=[]``, tags
loading its scripts from kozea.github.io), a ``<style>`` and a hidden tooltip with a ``style``
attribute. The site's Content-Security-Policy allows none of them inline, so the filter below takes
them out; the chart's look comes from our own stylesheet (``statistics/statistics.css``), which
knows pygal's class names. Each chart is an image to assistive technologies (``role="img"`` and a
label saying what it shows); the page puts its numbers beside it in a table.

Rendering costs a few milliseconds, so a chart is drawn once per distinct content and kept
(``lru_cache``): the same period and scope asked again is served from memory.
"""

import functools
import re

import pygal
from django.utils.safestring import SafeString, mark_safe
from pygal.style import Style

#: The site's palette (site.css), each at least 3:1 against white.
COLORS = ("#0b5394", "#1e6b35", "#b26b00", "#a4161a", "#4a5561", "#6a3d9a")
FONT = "system-ui, -apple-system, 'Segoe UI', Roboto, sans-serif"
STYLE = Style(
    background="#ffffff",
    plot_background="#ffffff",
    foreground="#1b1f24",
    foreground_strong="#1b1f24",
    foreground_subtle="#4a5561",
    colors=COLORS,
    font_family=FONT,
    label_font_size=13,
    major_label_font_size=13,
    value_font_size=13,
    legend_font_size=14,
    title_font_size=16,
)
#: What our pages never want from pygal's output.
_DROPPED = {"defs", "script", "style", "desc"}


#: Attributes holding coordinates, which pygal writes to 16 digits: a tenth of a pixel is plenty (a third lighter).
_GEOMETRY = {"x", "y", "width", "height", "cx", "cy", "r", "d", "transform"}
_LONG_NUMBER = re.compile(r"-?\d+\.\d{2,}")


def _rounded(match) -> str:
    return f"{float(match.group()):.1f}"


def _local(tag) -> str:
    return tag.rsplit("}", 1)[-1] if isinstance(tag, str) else ""


def _strip(label: str):
    """pygal's ``xml_filters`` hook: remove scripts, styles, tooltips and style attributes; name the image."""

    def clean(root):
        stack = [root]
        while stack:
            node = stack.pop()
            for child in list(node):
                tag, classes = _local(child.tag), (child.get("class") or "").split()
                nested_title = tag == "title" and node is not root
                if not tag or tag in _DROPPED or nested_title or "tooltip-overlay" in classes:
                    node.remove(child)  # comments have no string tag: they go too
                    continue
                child.attrib.pop("style", None)
                child.attrib.pop("id", None)  # two charts on a page would repeat pygal's ids
                for name, value in child.attrib.items():
                    if name in _GEOMETRY:
                        child.set(name, _LONG_NUMBER.sub(_rounded, value))
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


def _config(label: str, **options) -> dict:
    return {
        "style": STYLE,
        "js": [],  # pygal's default loads scripts from kozea.github.io
        "disable_xml_declaration": True,
        "no_prefix": True,
        # Drawn small and scaled by the browser: text stays legible on a phone (about 0.85×) and on a desk (1.4×).
        "width": 420,
        "height": 260,
        "margin": 12,
        "print_values": True,
        "print_values_position": "top",
        "show_y_guides": True,
        "truncate_label": 28,
        "no_data_text": "—",
        **options,
    }


def _render(chart, label: str) -> SafeString:
    chart.add_xml_filter(_strip(label))
    return mark_safe(chart.render(is_unicode=True))  # noqa: S308 (pygal's own XML, escaped by lxml; labels ours)


@functools.lru_cache(maxsize=256)
def bars(label: str, items: tuple[tuple[str, int], ...], *, horizontal: bool = True, series: str = "") -> SafeString:
    """One series of bars, one per (name, value): a split, a ranking or a distribution."""
    height = max(120, 40 + 28 * len(items)) if horizontal else 240
    chart_type = pygal.HorizontalBar if horizontal else pygal.Bar
    chart = chart_type(**_config(label, show_legend=False, height=height, print_values=len(items) <= 40))
    chart.x_labels = [name for name, _value in items]
    chart.add(series or label, [value for _name, value in items])
    return _render(chart, label)


@functools.lru_cache(maxsize=256)
def lines(label: str, x_labels: tuple[str, ...], series: tuple[tuple[str, tuple[int, ...]], ...]) -> SafeString:
    """Several series over time (received and decided per month or day), legend below."""
    many = len(x_labels) > 16
    chart = pygal.Line(
        **_config(
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
    return _render(chart, label)
