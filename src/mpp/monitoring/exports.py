"""A round as a spreadsheet (XLSX) and as CSV: one row per asked region, one column per item.

Each figure is three columns: the platform's count (frozen at submission), the region's count
outside the platform, and their sum. Obstacles are one cell, "category: text; …". A region that
has not submitted has its row with its status and empty items. Text typed by regions is written
as text: a cell that would start a formula (``=``, ``+``, ``-``, ``@``) is prefixed with ``'``.
"""

from django.utils.text import slugify
from django.utils.translation import gettext as _

from mpp.core import clock, exports

from .models import FIGURES, Report, ReportingRound
from .selectors import figures_of, reports_for_export


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
    return [row(report) for report in reports_for_export(reporting_round)]


def as_csv(reporting_round: ReportingRound) -> bytes:
    return exports.as_csv(header(), rows(reporting_round))


def as_xlsx(reporting_round: ReportingRound) -> bytes:
    return exports.as_xlsx(
        header(), rows(reporting_round), sheet=_("Monev"), title=reporting_round.title, freeze="C2", widths={"B": 28}
    )


def filename(reporting_round: ReportingRound, extension: str) -> str:
    return f"monev-{slugify(reporting_round.title)[:60] or reporting_round.pk}.{extension}"
