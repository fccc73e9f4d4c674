"""A round as a spreadsheet (XLSX) and as CSV: one row per asked region, one column per item.

Each figure is three columns: the platform's count (frozen at submission), the region's count
outside the platform, and their sum. Obstacles are one cell, "category: text; …". A region that
has not submitted has its row with its status and empty items. Text typed by regions is written
as text: a cell that would start a formula (``=``, ``+``, ``-``, ``@``) is prefixed with ``'``.
"""

import csv
import io

from django.utils.text import slugify
from django.utils.translation import gettext as _

from mpp.core import clock

from .models import FIGURES, Report, ReportingRound
from .selectors import figures_of, reports_for_export

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def header() -> list[str]:
    columns = [
        _("Kode wilayah"),
        _("Kabupaten/kota"),
        _("Status"),
        _("Dikirim pada"),
        _("Terlambat"),
        _("Nomor SK Pengelola MPP Digital"),
        _("Tanggal SK"),
    ]
    for _key, label in FIGURES:
        columns += [
            _("%(item)s: dari platform") % {"item": label},
            _("%(item)s: di luar platform") % {"item": label},
            _("%(item)s: jumlah") % {"item": label},
        ]
    return [
        *columns,
        _("Upaya percepatan pemanfaatan MPP Digital"),
        _("Upaya percepatan aktivasi IKD dan pengisian data SISDMK"),
        _("Kendala"),
        _("Saran dan masukan"),
    ]


def row(report: Report) -> list:
    """One region's row; the items stay empty until the region has submitted."""
    start = [report.region_id, report.region.name, report.get_status_display()]
    if not report.was_submitted:
        return [*start, "", "", "", "", *([""] * (3 * len(FIGURES))), "", "", "", ""]
    figures = []
    for figure in figures_of(report, live=False):
        figures += [figure.platform, figure.outside, figure.total]
    obstacles = "; ".join(f"{obstacle.get_category_display()}: {obstacle.text}" for obstacle in report.obstacles.all())
    return [
        *start,
        clock.local_time(report.submitted_at, report.region),
        _("Ya") if report.is_late else _("Tidak"),
        report.decree_number,
        report.decree_date.isoformat() if report.decree_date else "",
        *figures,
        report.usage_efforts,
        report.ikd_sisdmk_efforts,
        obstacles,
        report.suggestions,
    ]


def rows(reporting_round: ReportingRound) -> list[list]:
    return [[_safe(value) for value in row(report)] for report in reports_for_export(reporting_round)]


def as_csv(reporting_round: ReportingRound) -> bytes:
    """UTF-8 with a byte-order mark, so a spreadsheet opened by double-click reads the accents right."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(header())
    writer.writerows(rows(reporting_round))
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


def as_xlsx(reporting_round: ReportingRound) -> bytes:
    from openpyxl import Workbook  # here, not at import: only the export needs it
    from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
    from openpyxl.styles import Alignment, Font

    workbook = Workbook()
    sheet = workbook.active
    sheet.title = _("Monev")[:31]
    sheet.append(header())
    for values in rows(reporting_round):
        sheet.append([ILLEGAL_CHARACTERS_RE.sub("", value) if isinstance(value, str) else value for value in values])
    for cell in sheet[1]:
        cell.font = Font(bold=True)
        cell.alignment = Alignment(wrap_text=True, vertical="top")
    sheet.freeze_panes = "C2"
    sheet.column_dimensions["B"].width = 28
    workbook.properties.title = reporting_round.title
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def filename(reporting_round: ReportingRound, extension: str) -> str:
    return f"monev-{slugify(reporting_round.title)[:60] or reporting_round.pk}.{extension}"


def _safe(value):
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return f"'{value}"
    return value
