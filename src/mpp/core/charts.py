"""Charts drawn on the server as SVG with pygal, inlined in the page: no script, nothing from elsewhere.

pygal writes an interactive chart: a ``<script>`` with its configuration (and, unless ``js=[]``, tags
loading its scripts from kozea.github.io), a ``<style>`` and a hidden tooltip with a ``style``
attribute. The site's Content-Security-Policy allows none of them inline, so ``render`` takes them
out; a chart's look comes from the app's own stylesheet, which knows pygal's class names. Each chart
is an image to assistive technologies (``role="img"`` and a label saying what it shows); the page
puts its numbers beside it in a table. Shared by every app that draws (statistics, surveys).
"""

import re

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


def config(label: str, **options) -> dict:
    """pygal's options for one of our charts: our style, no script, small and scaled by the browser."""
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


def render(chart, label: str) -> SafeString:
    """The chart as inline SVG, cleaned for the Content-Security-Policy and named for assistive technologies."""
    chart.add_xml_filter(_strip(label))
    return mark_safe(chart.render(is_unicode=True))  # noqa: S308 (pygal's own XML, escaped by lxml; labels ours)
