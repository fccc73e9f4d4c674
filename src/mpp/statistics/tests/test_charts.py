"""Charts are inline SVG the strict Content-Security-Policy allows: no script, no style, named for screen readers."""

import re

from mpp.statistics import charts


def test_a_bar_chart_has_no_script_style_or_link_to_elsewhere_and_is_an_image_with_a_name():
    svg = charts.bars("Permohonan menurut kanal", (("Daring", 120), ("Loket MPP", 40), ("Sistem instansi", 0)))
    assert svg.startswith("<svg") and "<?xml" not in svg
    for forbidden in ("<script", "<style", "style=", "kozea", "http://pygal", "<!--", "tooltip", " id="):
        assert forbidden not in svg, forbidden
    assert 'role="img"' in svg and 'aria-label="Permohonan menurut kanal"' in svg
    assert "<title>Permohonan menurut kanal</title>" in svg and len(re.findall("<title>", svg)) == 1
    assert "Loket MPP" in svg and ">120<" in svg  # the values are printed on the bars


def test_a_line_chart_of_many_days_thins_its_labels_and_keeps_two_named_series():
    days = tuple(f"{day:02d}/03" for day in range(1, 32))
    svg = charts.lines("Tren", days, (("Diterima", tuple(range(31))), ("Diputus", tuple(range(31)))))
    assert "Diterima" in svg and "Diputus" in svg and "<script" not in svg
    assert svg.count('class="color-0') >= 1 and svg.count('class="color-1') >= 1


def test_labels_are_escaped():
    svg = charts.bars("<b>x</b> & y", (("<script>", 1),))
    assert "<script>" not in svg and "&lt;script&gt;" in svg and "<b>" not in svg


def test_the_same_chart_is_drawn_once():
    first = charts.bars("Sekali", (("a", 1),))
    assert charts.bars("Sekali", (("a", 1),)) is first
